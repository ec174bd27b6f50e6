package main

import (
	"log/slog"
	"net/http"
	"sync"

	"github.com/refit-ml/refit/dashboard"
	"github.com/refit-ml/refit/pipeline"
)

// dashboardHandler serves the read-only dashboard of cfg's workspace (issue
// 16), mounted by serve at "/" beside /healthz, /metrics and /v2. A
// workspace without a catalog yet answers 503 until its first run makes one;
// the dashboard is built then, without a restart.
func dashboardHandler(cfg *pipeline.Config, log *slog.Logger) http.Handler {
	dir := cfg.Path(cfg.Workspace)
	var (
		mu sync.Mutex
		h  http.Handler
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if h == nil {
			d, err := dashboard.New(dir, dashboard.Options{Logger: log})
			if err != nil {
				mu.Unlock()
				http.Error(w, "no dashboard yet: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			h = d
		}
		mu.Unlock()
		h.ServeHTTP(w, r)
	})
}
