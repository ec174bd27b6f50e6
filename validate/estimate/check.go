package estimate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
)

// Assumptions is what an estimate assumes, printed with it.
const Assumptions = `Assumes labels depend on the features about as they did on the calibrator's
holdout, and enough rows. The interval is the sampling spread widened by the
calibration shift the holdout itself showed between its time chunks (when the
model carries it); a change in how labels depend on the features larger than
that, or a trend over more than the holdout's span, is not covered.`

// Checked is an estimate and, when the rows had labels, the realized
// metrics on the same rows.
type Checked struct {
	Estimate
	Realized map[string]float64 `json:"realized,omitempty"`
}

// Records predicts every row of recs with m (on all CPUs) and estimates
// m's performance on them. When labeled is set, the last column of each
// record is the label: the realized metrics are computed beside the
// estimate. The records belong to recs; Records does not keep them.
func Records(ctx context.Context, m *model.Model, recs iter.Seq2[arrow.Record, error], labeled bool, opts Options) (Checked, error) {
	m = m.WithThreads(runtime.GOMAXPROCS(0))
	var preds, buf []float32
	var labels []float64
	enc := m.LabelEncoder()
	for rec, err := range recs {
		if err == nil {
			buf, err = m.Predict(rec, buf)
		}
		if err == nil && labeled {
			labels, err = appendLabels(labels, enc, rec.Column(int(rec.NumCols())-1))
		}
		if err != nil {
			return Checked{}, err
		}
		preds = append(preds, buf...)
	}
	if err := ctx.Err(); err != nil {
		return Checked{}, err
	}
	if len(preds) == 0 {
		return Checked{}, errors.New("no rows to estimate on (check --data, --where and --label)")
	}
	e, err := FromModel(m, preds, opts)
	if err != nil || !labeled {
		return Checked{Estimate: e}, err
	}
	realized, err := evaluate.Evaluate(evaluate.Task(m.Task()), labels, preds, evaluate.Options{Classes: m.OutputWidth(), Threshold: opts.Threshold})
	return Checked{Estimate: e, Realized: realized.Metrics}, err
}

// appendLabels appends the class index of each label value in col.
func appendLabels(dst []float64, enc *model.LabelEncoder, col arrow.Array) ([]float64, error) {
	for i := range col.Len() {
		v, err := enc.Encode(col, i)
		if err != nil {
			return nil, err
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// WriteText writes c as `refit estimate` prints it: a table of the
// estimates with their intervals (and the realized metrics), warnings
// and the assumptions. name names the model.
func (c Checked) WriteText(w io.Writer, name string) error {
	e := c.Estimate
	fmt.Fprintf(w, "CBPE estimate of %s on %s rows without labels (calibrator: %s)\n", name, numfmt.Count(int64(e.Rows)), e.Calibration)
	line := func(a, b, c, d string) {
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%-16s %9s  %-18s  %s", a, b, c, d), " "))
	}
	realized := ""
	if c.Realized != nil {
		realized = "realized"
	}
	line("metric", "estimate", fmt.Sprintf("%g%% interval", e.Level*100), realized)
	for _, m := range e.Metrics {
		r := ""
		if v, ok := c.Realized[m.Name]; ok {
			r = fmt.Sprintf("%.4f", v)
		}
		line(m.Name, fmt.Sprintf("%.4f", m.Value), fmt.Sprintf("[%.4f, %.4f]", m.Lo, m.Hi), r)
	}
	if s := e.Shift; s != nil {
		fmt.Fprintf(w, "interval = sampling ± calibration shift (measured over %d %s chunks of %s holdout rows):\n",
			s.Chunks, s.By, numfmt.Count(int64(s.ChunkRows)))
		for _, m := range e.Metrics {
			fmt.Fprintf(w, "  %-16s sampling [%.4f, %.4f], shift ±%.4f\n", m.Name, m.SamplingLo, m.SamplingHi, m.Shift)
		}
	}
	if e.PositiveRate > 0 {
		fmt.Fprintf(w, "expected positive rate %.4f\n", e.PositiveRate)
	}
	for _, warn := range e.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	_, err := fmt.Fprintln(w, Assumptions)
	return err
}

// WriteEffects writes the text lines of the cost of drift; nothing when
// effects is empty.
func WriteEffects(w io.Writer, effects []Effect) {
	if len(effects) == 0 {
		return
	}
	fmt.Fprintln(w, "\ncost of drift (CBPE estimates; assumes no concept drift):")
	for _, e := range effects {
		fmt.Fprintf(w, "  %s\n", e)
	}
}
