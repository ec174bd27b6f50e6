package dashboard

import (
	"net/http"
	"sync"
)

// Lazy returns a handler serving the dashboard of the workspace in dir,
// built on the first request that finds its catalog: until a run makes
// one, requests get 503 Service Unavailable, and the dashboard appears
// then without a restart. `refit serve` mounts it at "/".
func Lazy(dir string, opts Options) http.Handler {
	var (
		mu sync.Mutex
		h  http.Handler
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if h == nil {
			d, err := New(dir, opts)
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
