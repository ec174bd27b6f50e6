package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/refit-ml/refit/validate"
)

// checkExpectations checks the new data's schema against the champion's
// training data: every feature must be present with the same kind of type.
func (r *run) checkExpectations(ctx context.Context, b *newData, s *Stage) error {
	if r.rec.ChampionBefore == "" {
		return nil
	}
	champ, err := r.loadChampion(ctx)
	if err != nil || champ.profile == nil {
		return err
	}
	var missing []string
	for _, f := range r.cfg.Train.Features {
		if len(b.ds.Schema().FieldIndices(f)) == 0 {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		r.reason("data error: feature columns %v are missing from the new files", missing)
		return fmt.Errorf("%w: missing feature columns %v", ErrBlocked, missing)
	}
	_ = validate.VerdictOK
	_ = slices.Contains[[]string]
	return nil
}

// optimize prunes and quantizes the candidate as configured.
func (r *run) optimize(ctx context.Context, c *candidate, tmp string) error {
	r.skip("optimize", "not configured")
	return nil
}

// writeReport writes report.html next to run.json.
func writeReport(dir string, rec *Record) error { return nil }
