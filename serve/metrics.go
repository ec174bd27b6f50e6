package serve

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/refit-ml/refit/internal/promtext"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/validate/drift"
)

func (s *Server) metrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", promtext.ContentType)
	_ = promtext.Write(w, s.families())
}

// families is everything /metrics reports.
func (s *Server) families() []promtext.Family {
	fams := metricFamilies(s.sched.Status(), s.snapshot())
	if s.models != nil {
		fams = append(fams, s.scoringFamilies()...)
	}
	return fams
}

// metricFamilies is the scheduler's counters and the jobs' results, every
// family in a stable order.
func metricFamilies(st []schedules.Status, m jobMetrics) []promtext.Family {
	return []promtext.Family{
		runsFamily(m),
		skippedFamily(st),
		{Name: "refit_job_running", Type: promtext.Gauge, Help: "1 while the schedule's job runs, else 0.", Samples: perSchedule(st, func(s schedules.Status) float64 { return b2f(s.Running) })},
		{Name: "refit_job_waiting", Type: promtext.Gauge, Help: "1 while a fire of the schedule waits for the workspace (another job or another process's lock), else 0.", Samples: perSchedule(st, func(s schedules.Status) float64 { return b2f(s.Waiting) })},
		{Name: "refit_job_queued_total", Type: promtext.Counter, Help: "Fires that waited for the workspace before running or being skipped.", Samples: perSchedule(st, func(s schedules.Status) float64 { return float64(s.Queued) })},
		{Name: "refit_job_wait_seconds_total", Type: promtext.Counter, Help: "Total time fires waited for the workspace, seconds.", Samples: perSchedule(st, func(s schedules.Status) float64 { return s.Waited.Seconds() })},
		{Name: "refit_schedule_next_fire_timestamp_seconds", Type: promtext.Gauge, Help: "Next fire time of the schedule, Unix seconds.", Samples: perSchedule(st, func(s schedules.Status) float64 { return unixSeconds(s.Next) })},
		{Name: "refit_runs_failed_in_a_row", Type: promtext.Gauge, Help: "Scheduled runs that failed in a row, up to the last one (/healthz fails at the configured count).", Samples: []promtext.Sample{{Value: float64(m.RunsFailed)}}},
		lastSuccessFamily(m),
		driftFamily(m),
		championFamily(m),
	}
}

func runsFamily(m jobMetrics) promtext.Family {
	keys := slices.SortedFunc(maps.Keys(m.Runs), func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	f := promtext.Family{Name: "refit_runs_total", Type: promtext.Counter, Help: "Jobs finished since start, by job (run or audit) and outcome."}
	for _, k := range keys {
		f.Samples = append(f.Samples, promtext.Sample{Labels: promtext.L("job", k[0], "outcome", k[1]), Value: float64(m.Runs[k])})
	}
	return f
}

func skippedFamily(st []schedules.Status) promtext.Family {
	f := promtext.Family{Name: "refit_run_skipped_total", Type: promtext.Counter,
		Help: "Fires that did not run their job, by schedule and reason: overlap (its own job still running or waiting), busy or locked (the workspace stayed held for the whole wait), missed."}
	for _, s := range st {
		for _, reason := range []string{schedules.SkipOverlap, schedules.SkipBusy, schedules.SkipLocked, schedules.SkipMissed} {
			f.Samples = append(f.Samples, promtext.Sample{Labels: promtext.L("schedule", s.Name, "reason", reason), Value: float64(s.Skipped[reason])})
		}
	}
	return f
}

func perSchedule(st []schedules.Status, value func(schedules.Status) float64) []promtext.Sample {
	out := make([]promtext.Sample, 0, len(st))
	for _, s := range st {
		out = append(out, promtext.Sample{Labels: promtext.L("schedule", s.Name), Value: value(s)})
	}
	return out
}

func lastSuccessFamily(m jobMetrics) promtext.Family {
	f := promtext.Family{Name: "refit_last_success_timestamp_seconds", Type: promtext.Gauge,
		Help: "End of the job's last run that completed without error or block, Unix seconds."}
	for _, job := range slices.Sorted(maps.Keys(m.LastSuccess)) {
		f.Samples = append(f.Samples, promtext.Sample{Labels: promtext.L("job", job), Value: unixSeconds(m.LastSuccess[job])})
	}
	return f
}

func driftFamily(m jobMetrics) promtext.Family {
	f := promtext.Family{Name: "refit_drift_psi", Type: promtext.Gauge,
		Help: "Population stability index of each feature against the champion's training data, from the last run that measured drift."}
	feats := slices.Clone(m.Drift)
	slices.SortFunc(feats, func(a, b drift.Feature) int { return cmp.Compare(a.Name, b.Name) })
	for _, fd := range feats {
		f.Samples = append(f.Samples, promtext.Sample{Labels: promtext.L("feature", fd.Name), Value: fd.PSI})
	}
	return f
}

func championFamily(m jobMetrics) promtext.Family {
	f := promtext.Family{Name: "refit_champion_metric", Type: promtext.Gauge,
		Help: "The champion's metrics from the last run that evaluated or monitored it."}
	for _, name := range slices.Sorted(maps.Keys(m.Champion)) {
		f.Samples = append(f.Samples, promtext.Sample{Labels: promtext.L("metric", name), Value: m.Champion[name]})
	}
	return f
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// unixSeconds is t in Unix seconds, 0 for the zero time.
func unixSeconds(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixMilli()) / 1e3
}
