package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/demo"
	"github.com/refit-ml/refit/registry"
)

// TestServeMountsDashboard checks serve's handler answers / with the
// dashboard of the configured workspace, beside /healthz.
func TestServeMountsDashboard(t *testing.T) {
	dir := t.TempDir()
	cfg, err := demo.WriteConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(context.Background(), filepath.Join(dir, "workspace"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	mountDashboard(mux, cfg)
	for path, want := range map[string]string{"/": `id="runs"`, "/models": `id="models"`, "/healthz": "ok"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d, want 200 with %s", path, rec.Code, want)
		}
	}
}
