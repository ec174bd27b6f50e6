package dashboard_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/dashboard"
	"github.com/refit-ml/refit/pipeline/demo"
	"github.com/refit-ml/refit/registry"
)

// TestLazy checks the handler serve mounts at "/": 503 while the
// workspace has no catalog, then the dashboard's pages once a run (here,
// opening the registry) has made one, without a restart.
func TestLazy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg, err := demo.WriteConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := dashboard.Lazy(cfg.Path(cfg.Workspace), dashboard.Options{Logger: slog.New(slog.DiscardHandler)})
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("GET / without a catalog: %d, want 503", rec.Code)
	}
	reg, err := registry.Open(context.Background(), filepath.Join(dir, "workspace"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()
	for path, want := range map[string]string{"/": `id="runs"`, "/models": `id="models"`} {
		if rec := get(path); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d, want 200 with %s", path, rec.Code, want)
		}
	}
}
