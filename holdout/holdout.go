// Package holdout scores models on labelled data given as sources (files,
// directories or globs): it opens the data, selects the rows and slices,
// and runs evaluate's one-pass scoring, for `refit evaluate` (models side
// by side) and `refit gate` (a promotion decision over typed roles).
//
// [Options] registers the flags both commands share, so their names, help
// and errors stay one. Errors name those flags.
package holdout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/report"
	"github.com/spf13/pflag"
)

// errNoRows is the error for data that leaves no row to score.
var errNoRows = errors.New("no rows to evaluate (check --data, --where and --label)")

// Options are the data and scoring options. The zero value has no data.
type Options struct {
	// Data are the sources: files, directories or globs.
	Data []string
	// Label is the label expression or column; "" takes the label recorded
	// in the models.
	Label string
	// Where keeps only the rows where this expression is true.
	Where string
	// Slices are extra slices: "name=EXPR,..." or a YAML file.
	Slices string
	// NoAutoSlices skips the automatic slices.
	NoAutoSlices bool
	// CostSeconds is the time spent timing each model; 0 skips the timing.
	CostSeconds float64
	// Bootstrap is the number of resamples for the headline metric's
	// interval; 0 computes none.
	Bootstrap int
	// Ingest are the options the data is opened with.
	Ingest ingest.Options
}

// AddFlags registers the options as flags of fs, with the defaults of the
// command line (CostSeconds 1).
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.Data, "data", nil, "evaluation data: file, directory or glob (repeatable)")
	fs.StringVar(&o.Label, "label", "", "label expression or column (default: the label recorded in the model)")
	fs.StringVar(&o.Where, "where", "", "evaluate only the rows where this expression is true")
	fs.StringVar(&o.Slices, "slices", "", "extra slices: 'name=EXPR,...' or a YAML file (name: EXPR per line)")
	fs.BoolVar(&o.NoAutoSlices, "no-auto-slices", false, "skip the automatic slices (string values, numeric tails, nulls)")
	fs.Float64Var(&o.CostSeconds, "cost-seconds", 1, "time spent measuring each model's latency and throughput; 0 skips it")
	fs.IntVar(&o.Bootstrap, "bootstrap", 0, "bootstrap resamples for the headline metric's interval (0: none)")
}

// SliceExprs reads Slices: a YAML file if it names one, else name=EXPR,...
func (o *Options) SliceExprs() ([]evaluate.SliceExpr, error) {
	if o.Slices == "" {
		return nil, nil
	}
	if strings.HasSuffix(o.Slices, ".yaml") || strings.HasSuffix(o.Slices, ".yml") {
		file, err := os.Open(o.Slices)
		if err != nil {
			return nil, fmt.Errorf("--slices: %w", err)
		}
		defer file.Close()
		return evaluate.DecodeSliceFile(file, o.Slices)
	}
	return evaluate.ParseSliceExprs(o.Slices)
}

// open checks the options, reads the slices and opens the data.
func (o *Options) open(ctx context.Context) (*ingest.Dataset, evaluate.ScoreOptions, error) {
	if len(o.Data) == 0 {
		return nil, evaluate.ScoreOptions{}, errors.New("--data is required")
	}
	exprs, err := o.SliceExprs()
	if err != nil {
		return nil, evaluate.ScoreOptions{}, err
	}
	ds, err := ingest.Open(ctx, o.Data, o.Ingest)
	return ds, evaluate.ScoreOptions{Label: o.Label, Where: o.Where, Slices: exprs, NoAutoSlices: o.NoAutoSlices}, err
}

func (o *Options) budget() time.Duration { return time.Duration(o.CostSeconds * float64(time.Second)) }

// Evaluation is models evaluated side by side on the same rows: what
// `refit evaluate` prints, and its JSON.
type Evaluation struct {
	Label   string             `json:"label"`
	Rows    int                `json:"rows"`
	Models  []*modelref.Loaded `json:"models"`
	Results []evaluate.Result  `json:"results"`
}

// WriteText writes the models' metrics side by side (evaluate.WriteText).
func (e *Evaluation) WriteText(w io.Writer) error {
	return evaluate.WriteText(w, e.Rows, e.Label, e.Results)
}

// WriteReport writes the evaluation as an HTML report (see report) to
// path, crash-safely, naming the data sources.
func (e *Evaluation) WriteReport(path string, sources []string) error {
	return report.WriteEvaluationFile(path, &report.Evaluation{Sources: sources, Label: e.Label, Rows: e.Rows, Models: e.Results})
}

// Evaluate scores every model on the data in one pass and evaluates each,
// with curves; results are in the order of models.
func (o *Options) Evaluate(ctx context.Context, models []*modelref.Loaded) (*Evaluation, error) {
	ds, so, err := o.open(ctx)
	if err != nil {
		return nil, err
	}
	ms, names, paths := make([]*model.Model, len(models)), make([]string, len(models)), make([]string, len(models))
	for i, l := range models {
		ms[i], names[i], paths[i] = l.Model, l.Ref, l.Path
	}
	sc, err := evaluate.Score(ctx, ms, ds.Schema(), ds.Records(ctx), so)
	if err != nil {
		return nil, err
	}
	if sc.Rows == 0 {
		return nil, errNoRows
	}
	opts := evaluate.ModelOptions{NoCost: o.CostSeconds <= 0, Cost: evaluate.CostOptions{Budget: o.budget()}}
	opts.Options.Curves = true // baselines, confusion and curves of binary models
	if o.Bootstrap > 0 {
		opts.Options.Bootstrap = &evaluate.BootstrapOptions{Resamples: o.Bootstrap}
	}
	res, err := evaluate.EvaluateModels(ctx, sc, ms, names, paths, opts)
	if err != nil {
		return nil, err
	}
	return &Evaluation{Label: sc.Label, Rows: sc.Rows, Models: models, Results: res}, nil
}

// Compare runs evaluate.Compare of the roles under pol on the data.
func (o *Options) Compare(ctx context.Context, pol *evaluate.Policy, roles evaluate.Roles) (*evaluate.Decision, error) {
	ds, so, err := o.open(ctx)
	if err != nil {
		return nil, err
	}
	opts := evaluate.CompareOptions{Score: so, NoCost: o.CostSeconds <= 0, Cost: evaluate.CostOptions{Budget: o.budget()}}
	if o.Bootstrap > 0 {
		opts.Options.Bootstrap = &evaluate.BootstrapOptions{Resamples: o.Bootstrap}
		opts.Bootstrap.Resamples = o.Bootstrap
	}
	d, err := evaluate.Compare(ctx, pol, roles, ds.Schema(), ds.Records(ctx), opts)
	if errors.Is(err, evaluate.ErrNoRows) {
		return nil, errNoRows
	}
	return d, err
}
