package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/score"
	"github.com/spf13/cobra"
)

// modelArtifact is the name of the model file inside a registered version.
const modelArtifact = registry.ModelArtifact

// defaultWorkspace is the workspace when neither --workspace nor
// REFIT_WORKSPACE is set.
const defaultWorkspace = "./refit-workspace"

// workspaceFlag adds --workspace, defaulting to $REFIT_WORKSPACE, and
// --config, which takes the workspace from a refit.yaml instead; it
// returns the --config value.
func workspaceFlag(cmd *cobra.Command, dir *string) *string {
	def := os.Getenv("REFIT_WORKSPACE")
	if def == "" {
		def = defaultWorkspace
	}
	cmd.Flags().StringVar(dir, "workspace", def, "workspace with the model registry (default $REFIT_WORKSPACE or "+defaultWorkspace+")")
	return configWorkspaceFlag(cmd, dir)
}

// openRegistry opens the workspace, creating it if needed: for commands
// that register models.
func openRegistry(ctx context.Context, dir string) (*registry.Registry, error) {
	return registry.Open(ctx, dir, registry.Options{})
}

// openExisting opens a workspace that must exist and creates nothing: for
// every command that reads the registry or moves an alias, so that a
// mistyped --workspace is an error, not a new empty workspace.
func openExisting(ctx context.Context, dir string) (*registry.Registry, error) {
	reg, err := registry.Open(ctx, dir, registry.Options{MustExist: true})
	if errors.Is(err, registry.ErrNoWorkspace) {
		return nil, fmt.Errorf("%w (check --workspace, or $REFIT_WORKSPACE)", err)
	}
	return reg, err
}

// loadedModel is a model with where it came from.
type loadedModel struct {
	Ref     string `json:"ref"`               // as given
	Path    string `json:"path"`              // model file
	Version string `json:"version,omitempty"` // registry version, if any
	m       *model.Model
}

// loadModel loads ref: a model file if one exists at that path, else a
// registry version id (v0003) or alias (champion) in the workspace.
func loadModel(ctx context.Context, ref, workspace string) (*loadedModel, error) {
	m, src, err := score.LoadModel(ctx, ref, workspace)
	if errors.Is(err, registry.ErrNoWorkspace) {
		return nil, fmt.Errorf("%w (check --workspace, or $REFIT_WORKSPACE)", err)
	}
	if err != nil {
		return nil, err
	}
	return &loadedModel{Ref: src.Ref, Path: src.Path, Version: src.Version, m: m}, nil
}

// resolveVersion looks ref up as a version id, then as an alias.
func resolveVersion(ctx context.Context, ref, workspace string) (registry.Version, error) {
	reg, err := openExisting(ctx, workspace)
	if err != nil {
		return registry.Version{}, err
	}
	defer reg.Close()
	return score.ResolveVersion(ctx, reg, ref)
}

// scoreFlags are the data flags evaluate and gate share.
type scoreFlags struct {
	data      []string
	label     string
	where     string
	slices    string
	noAuto    bool
	budget    float64
	bootstrap int
}

func (f *scoreFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.data, "data", nil, "evaluation data: file, directory or glob (repeatable)")
	fl.StringVar(&f.label, "label", "", "label expression or column (default: the label recorded in the model)")
	fl.StringVar(&f.where, "where", "", "evaluate only the rows where this expression is true")
	fl.StringVar(&f.slices, "slices", "", "extra slices: 'name=EXPR,...' or a YAML file (name: EXPR per line)")
	fl.BoolVar(&f.noAuto, "no-auto-slices", false, "skip the automatic slices (string values, numeric tails, nulls)")
	fl.Float64Var(&f.budget, "cost-seconds", 1, "time spent measuring each model's latency and throughput; 0 skips it")
	fl.IntVar(&f.bootstrap, "bootstrap", 0, "bootstrap resamples for the headline metric's interval (0: none)")
}

// sliceExprs reads --slices: a YAML file if it names one, else name=EXPR,...
func (f *scoreFlags) sliceExprs() ([]evaluate.SliceExpr, error) {
	if f.slices == "" {
		return nil, nil
	}
	if strings.HasSuffix(f.slices, ".yaml") || strings.HasSuffix(f.slices, ".yml") {
		file, err := os.Open(f.slices)
		if err != nil {
			return nil, fmt.Errorf("--slices: %w", err)
		}
		defer file.Close()
		return evaluate.DecodeSliceFile(file, f.slices)
	}
	return evaluate.ParseSliceExprs(f.slices)
}

// evaluateAll scores every model on the data in one pass and evaluates
// each; results are in the order of models.
func (f *scoreFlags) evaluateAll(ctx context.Context, open ingest.Options, models []*loadedModel) (*evaluate.Scores, []evaluate.Result, error) {
	if len(f.data) == 0 {
		return nil, nil, errors.New("--data is required")
	}
	exprs, err := f.sliceExprs()
	if err != nil {
		return nil, nil, err
	}
	ds, err := ingest.Open(ctx, f.data, open)
	if err != nil {
		return nil, nil, err
	}
	ms, names, paths := make([]*model.Model, len(models)), make([]string, len(models)), make([]string, len(models))
	for i, lm := range models {
		ms[i], names[i], paths[i] = lm.m, lm.Ref, lm.Path
	}
	sc, err := evaluate.Score(ctx, ms, ds.Schema(), ds.Records(ctx), evaluate.ScoreOptions{
		Label: f.label, Where: f.where, Slices: exprs, NoAutoSlices: f.noAuto})
	if err != nil {
		return nil, nil, err
	}
	if sc.Rows == 0 {
		return nil, nil, errors.New("no rows to evaluate (check --data, --where and --label)")
	}
	opts := evaluate.ModelOptions{NoCost: f.budget <= 0, Cost: evaluate.CostOptions{Budget: seconds(f.budget)}}
	opts.Options.Curves = true // baselines, confusion and curves of binary models
	if f.bootstrap > 0 {
		opts.Options.Bootstrap = &evaluate.BootstrapOptions{Resamples: f.bootstrap}
	}
	res, err := evaluate.EvaluateModels(ctx, sc, ms, names, paths, opts)
	return sc, res, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
