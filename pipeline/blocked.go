package pipeline

import (
	"context"
	"fmt"

	"github.com/refit-ml/refit/validate/drift"
)

// blockedContext measures, for a run that data errors blocked, what the
// rest of the validate and decide stages would have shown: the coverage
// of the new data's slices and its drift against the champion's training
// data, so the record (and the report) has the context of the block. A
// failure here is a note on the stage; the block stays the run's outcome.
func (r *run) blockedContext(ctx context.Context, b *newData, s *Stage) {
	if err := r.coverage(ctx, b, s); err != nil {
		s.Notes = append(s.Notes, "coverage of the blocked data not measured: "+err.Error())
	}
	if r.rec.ChampionBefore == "" {
		return
	}
	if err := r.blockedDrift(ctx, b); err != nil {
		s.Notes = append(s.Notes, "drift of the blocked data not measured: "+err.Error())
		return
	}
	if d := r.rec.Drift; d != nil {
		s.Notes = append(s.Notes, fmt.Sprintf("drift of the blocked data against champion %s: %s", r.rec.ChampionBefore, d.Verdict))
	}
}

// blockedDrift is the drift of the new data against the champion's
// training data, recorded without a decision.
func (r *run) blockedDrift(ctx context.Context, b *newData) error {
	champ, err := r.loadChampion(ctx)
	if err != nil || champ.profile == nil {
		return err
	}
	cur, err := projectProfile(b.profile, champ.profile)
	if err != nil {
		return err
	}
	rep, err := drift.Compare(ctx, champ.profile, cur, drift.Options{
		PSIWarn: r.cfg.Drift.Warn, PSIAlert: r.cfg.Drift.Alert, Columns: r.driftColumns(champ.profile),
	})
	if err != nil {
		return err
	}
	r.rec.Drift = rep
	return nil
}
