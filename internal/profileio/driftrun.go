package profileio

import (
	"io"

	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
)

// DriftRun is the result of comparing two sides, as `refit drift` prints
// it: its JSON form, or text (WriteText).
type DriftRun struct {
	Reference Side          `json:"reference"`
	Current   Side          `json:"current"`
	Drift     *drift.Report `json:"drift"`
	// Cost is each drifting feature's estimated cost (DriftCost), when
	// asked for.
	Cost []estimate.Effect `json:"cost,omitempty"`
}

// WriteText writes the sides, the ranked drift table and the verdict
// (textout.DriftReport), then each drifting feature's cost.
func (r *DriftRun) WriteText(w io.Writer) error {
	if err := textout.DriftReport(w, r.Reference.String(), r.Current.String(), r.Drift); err != nil {
		return err
	}
	estimate.WriteEffects(w, r.Cost)
	return nil
}

// Alerts counts the features whose drift alerts.
func (r *DriftRun) Alerts() int {
	n := 0
	for _, f := range r.Drift.Features {
		if f.Verdict == validate.VerdictAlert {
			n++
		}
	}
	return n
}
