package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/refit-ml/refit/schedules"
)

// Status is what /healthz reports.
type Status struct {
	// Status is "ok", or "failing" when the last Options.FailingRuns
	// scheduled runs all failed.
	Status string `json:"status"`
	// Reason says why the status is failing.
	Reason    string `json:"reason,omitempty"`
	Config    string `json:"config"`
	Workspace string `json:"workspace"`
	// Schedules are the schedules in force, in configuration order.
	Schedules []ScheduleStatus `json:"schedules"`
}

// ScheduleStatus is one schedule in Status.
type ScheduleStatus struct {
	schedules.Status
	Job         string `json:"job"`
	LastOutcome string `json:"last_outcome,omitempty"`
}

// Status is the Server's health and its schedules.
func (s *Server) Status() Status {
	cfg, m := s.Config(), s.snapshot()
	jobs := map[string]string{}
	for _, sc := range cfg.Schedules {
		jobs[sc.Name] = sc.Job
	}
	st := Status{Status: "ok", Config: s.opts.ConfigPath, Workspace: filepath.Clean(cfg.Path(cfg.Workspace))}
	if m.RunsFailed >= s.opts.FailingRuns {
		st.Status = "failing"
		st.Reason = fmt.Sprintf("the last %d scheduled runs failed", m.RunsFailed)
	}
	for _, ss := range s.sched.Status() {
		st.Schedules = append(st.Schedules, ScheduleStatus{Status: ss, Job: jobs[ss.Name], LastOutcome: m.LastOutcome[ss.Name]})
	}
	return st
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	st := s.Status()
	w.Header().Set("Content-Type", "application/json")
	if st.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
}
