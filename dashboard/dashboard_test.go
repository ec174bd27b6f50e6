package dashboard_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/refit-ml/refit/dashboard"
	"github.com/refit-ml/refit/internal/demo"
)

// demoDir is a demo's directory shared by the package's tests: the
// deployment's workspace (demo.RunMonths) under workspace/, with the
// backtest's result (demo.Run) as workspace/backtest.json.
var demoDir = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "refit-dashboard-test-")
	if err != nil {
		return "", err
	}
	if _, err := demo.RunMonths(context.Background(), demo.Options{Dir: dir, RowsPerMonth: 2000}); err != nil {
		return "", err
	}
	res, err := demo.Run(context.Background(), io.Discard, demo.Options{Dir: filepath.Join(dir, "bt"), RowsPerMonth: 2000})
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(res.Backtest)
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "workspace", "backtest.json"), data, 0o644)
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := demoDir(); err == nil && dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// demoServer serves the dashboard of the demo's workspace.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the demo (about 20 s): skipped with -short")
	}
	dir, err := demoDir()
	if err != nil {
		t.Fatal(err)
	}
	h, err := dashboard.New(filepath.Join(dir, "workspace"), dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestDump(t *testing.T) {
	srv := demoServer(t)
	for _, p := range []string{"/", "/runs?outcome=blocked-data", "/models", "/models/diff", "/trends", "/backtest", "/runs/r000004/report"} {
		code, body := get(t, srv.URL+p)
		name := strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(p)
		os.WriteFile("/tmp/reports-dev/page"+name+".html", []byte(body), 0o644)
		t.Log(p, code, len(body))
	}
}
