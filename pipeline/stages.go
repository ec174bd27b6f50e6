package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate/profile"
)

// newData is the batch of files a run processes.
type newData struct {
	files   []registry.FileInfo
	ds      *ingest.Dataset
	profile *profile.Profile
}

// discover finds the files not processed yet. It returns nil when there is
// nothing new (and the run is over).
func (r *run) discover(ctx context.Context) (*newData, error) {
	if !r.opts.NewSince.IsZero() {
		return r.discoverSpan(ctx)
	}
	var b *newData
	err := r.stage("discover", func(s *Stage) error {
		found, err := ingest.Discover(ctx, r.cfg.Sources()...)
		if err != nil {
			return err
		}
		if found, err = r.selectData(ctx, found, s); err != nil {
			return err
		}
		infos, err := fileInfos(found)
		if err != nil {
			return err
		}
		fresh, err := r.reg.Unprocessed(ctx, infos)
		if err != nil {
			return err
		}
		s.Notes = append(s.Notes, fmt.Sprintf("%d files, %d new", len(infos), len(fresh)))
		if len(fresh) == 0 {
			return nil
		}
		b = &newData{files: fresh}
		for _, f := range fresh {
			r.rec.NewFiles = append(r.rec.NewFiles, f.Path)
		}
		return nil
	})
	if err == nil && b == nil && !r.opts.Force {
		r.rec.Outcome = OutcomeNoData
		r.reason("no new data files since the last run")
	}
	return b, err
}

func fileInfos(files []ingest.File) ([]registry.FileInfo, error) {
	out := make([]registry.FileInfo, len(files))
	for i, f := range files {
		st, err := os.Stat(f.Path)
		if err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		out[i] = registry.FileInfo{Path: f.Path, Size: st.Size(), ModTime: st.ModTime()}
	}
	return out, nil
}

// check profiles the new data and checks it against the expectations; a
// data error blocks the run before anything is trained.
func (r *run) check(ctx context.Context, b *newData) error {
	return r.stage("validate", func(s *Stage) error {
		ds, err := r.openNew(ctx, b)
		if err != nil {
			return err
		}
		b.ds = ds
		if b.profile, err = profile.Scan(ctx, ds, profile.ScanOptions{}); err != nil {
			return err
		}
		r.rec.NewRows = b.profile.Rows
		res := b.profile.Result(profile.ResultOptions{})
		r.rec.Profile = &res
		s.Notes = append(s.Notes, fmt.Sprintf("%d rows in %d files", b.profile.Rows, len(b.files)))
		if err := r.checkExpectations(ctx, b, s); err != nil {
			if errors.Is(err, ErrBlocked) {
				r.blockedContext(ctx, b, s)
			}
			return err
		}
		return r.coverage(ctx, b, s)
	})
}

// decide says whether to retrain, with reasons; every cause is recorded
// in Record.Triggers with its evidence.
func (r *run) decide(ctx context.Context, b *newData) (bool, error) {
	var retrain bool
	err := r.stage("decide", func(s *Stage) error {
		if r.rec.ChampionBefore == "" {
			r.reason("no champion yet: train the first model")
			r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseNoChampion, Fired: true})
			retrain = true
			return nil
		}
		if decided, yes := r.policyDecision(); decided {
			retrain = yes
			return nil
		}
		champ, err := r.loadChampion(ctx)
		if err != nil {
			return err
		}
		alerts, err := r.drift(ctx, champ, b)
		if err != nil {
			return err
		}
		breached, decayed, err := r.monitor(ctx, champ, b)
		if err != nil {
			return err
		}
		drifted, err := r.driftTrigger(ctx, champ.id, alerts)
		if err != nil {
			return err
		}
		if breached {
			r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseMonitor, Fired: true, Live: r.rec.Monitor})
		}
		if decayed {
			r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseDecay, Fired: true, Live: r.rec.Monitor})
		}
		grown := r.growthTrigger(champ)
		if r.opts.Force {
			r.reason("retrain forced")
			r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseForce, Fired: true, Live: r.rec.Monitor})
		}
		retrain = drifted || breached || decayed || grown || r.opts.Force
		if !retrain {
			r.reason("data stable and champion healthy: no retrain")
			r.rec.Outcome = OutcomeKept
		}
		return nil
	})
	return retrain, err
}

// driftTrigger records a drift trigger when features alerted and says
// whether it fires after drift.cooldown and drift.confirm.
func (r *run) driftTrigger(ctx context.Context, champID string, alerts []DriftEvidence) (bool, error) {
	if len(alerts) == 0 {
		return false, nil
	}
	note, fire, err := r.holdDrift(ctx, champID)
	if err != nil {
		return false, err
	}
	r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseDrift, Fired: fire, Features: alerts, Live: r.rec.Monitor, Note: note})
	switch {
	case fire && note != "":
		r.reason("drift alert on %s; %s: retrain", evidenceText(alerts), note)
	case fire:
		r.reason("drift alert on %s: retrain", evidenceText(alerts))
	default:
		r.reason("drift alert on %s, held back: %s", evidenceText(alerts), note)
	}
	return fire, nil
}

// growthTrigger records a window-growth trigger when it fires.
func (r *run) growthTrigger(c *champion) bool {
	g, fire := r.windowGrowth(c)
	if !fire {
		return false
	}
	r.reason("%s: retrain", g)
	r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseGrowth, Fired: true, Growth: g, Live: r.rec.Monitor})
	return true
}

// window is the span of rows training may use.
func (r *run) window() span {
	s := span{to: r.opts.Now}
	if w := time.Duration(r.cfg.Train.Window); w > 0 {
		s.from = r.opts.Now.Add(-w)
	}
	return s
}
