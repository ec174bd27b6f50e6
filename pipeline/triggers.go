package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/workspace"
)

// Causes of a retrain.
const (
	CauseNoChampion = "no-champion"
	CauseDrift      = "drift"
	CauseMonitor    = "monitor"
	CauseForce      = "force"
	// CauseDecay is the champion scoring worse on the new rows than on
	// its own holdout, beyond monitor.max_drop.
	CauseDecay = "decay"
	// CauseGrowth is the training window holding train.window_growth
	// times the data the champion was trained on.
	CauseGrowth = "window-growth"
)

// alertEvidence lists the alerted features of a drift report.
func alertEvidence(rep *drift.Report, alert float64) []DriftEvidence {
	var out []DriftEvidence
	for _, f := range rep.Features {
		if f.Verdict != validate.VerdictAlert {
			continue
		}
		e := DriftEvidence{Feature: f.Name, PSI: f.PSI, Threshold: alert}
		if f.PSI < alert {
			e.NullShift = f.Nulls.Change
		}
		out = append(out, e)
	}
	return out
}

func evidenceText(es []DriftEvidence) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// holdDrift applies drift.cooldown and drift.confirm to a drift trigger:
// it returns a note and whether the trigger may fire.
func (r *run) holdDrift(ctx context.Context, champID string) (string, bool, error) {
	d := r.cfg.Drift
	if cd := time.Duration(d.Cooldown); cd > 0 {
		since, err := r.promotedAt(ctx, champID)
		if err != nil {
			return "", false, err
		}
		if !since.IsZero() && r.opts.Now.Sub(since) < cd {
			return fmt.Sprintf("within the %s cooldown after %s was promoted at %s", fmtDays(cd), champID,
				since.UTC().Format(time.RFC3339)), false, nil
		}
	}
	if d.Confirm == nil || d.Confirm.Alerts <= 1 {
		return "", true, nil
	}
	alerts, runs, err := r.recentAlerts(ctx, champID, d.Confirm.Runs-1)
	if err != nil {
		return "", false, err
	}
	alerts++ // this run's
	note := fmt.Sprintf("%d of the last %d runs measured against %s alerted, %d needed", alerts, runs+1, champID, d.Confirm.Alerts)
	return note, alerts >= d.Confirm.Alerts, nil
}

// promotedAt is the run clock of champID's latest promotion; zero when
// unknown.
func (r *run) promotedAt(ctx context.Context, champID string) (time.Time, error) {
	hist, err := r.reg.History(ctx, "champion")
	if err != nil {
		return time.Time{}, err
	}
	for _, h := range slices.Backward(hist) {
		if h.To == champID {
			return h.At, nil
		}
	}
	return time.Time{}, nil
}

// recentAlerts looks back over up to n earlier runs that measured drift
// against champID and counts those that alerted.
func (r *run) recentAlerts(ctx context.Context, champID string, n int) (alerts, runs int, err error) {
	if n <= 0 {
		return 0, 0, nil
	}
	past, err := r.reg.Runs(ctx, 0)
	if err != nil {
		return 0, 0, err
	}
	for _, pr := range slices.Backward(past) {
		if runs == n {
			break
		}
		if pr.ID == r.rec.ID {
			continue
		}
		rec, err := workspace.Dir(r.ws).ReadRecord(pr.ID)
		if errors.Is(err, os.ErrNotExist) {
			continue // killed before its record was written
		}
		if err != nil {
			return 0, 0, err
		}
		if rec.ChampionBefore != champID || rec.Drift == nil {
			continue
		}
		runs++
		if rec.Drift.Verdict == validate.VerdictAlert {
			alerts++
		}
	}
	return alerts, runs, nil
}

// fmtDays writes whole days as "30d", other spans as Go does.
func fmtDays(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
