package dashboard

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/report"
)

// Options configure New. The zero value is ready to use.
type Options struct {
	// Backtest is a backtest result as JSON (`refit backtest --format
	// json`). Defaults to backtest.json in the workspace, when present.
	Backtest string
	// Prefix is the path the handler is mounted under, without a trailing
	// slash ("/ui"); links on the pages start with it. Defaults to "" (the
	// root).
	Prefix string
	// Logger receives errors that end a request. Defaults to slog.Default().
	Logger *slog.Logger
}

//go:embed *.tmpl
var files embed.FS

var templates = template.Must(template.New("dashboard").Funcs(template.FuncMap{
	"css":   report.Stylesheet,
	"count": numfmt.Count,
	"num":   numText,
	"metric": func(m map[string]float64, k string) string {
		if v, ok := m[k]; ok {
			return numText(v)
		}
		return "-"
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
}).ParseFS(files, "*.tmpl"))

// handler serves one workspace.
type handler struct {
	dir  string
	opts Options
	mux  *http.ServeMux
}

// New returns a handler serving the dashboard of the workspace in dir
// (the folder with catalog.db). It fails when dir has no catalog.
func New(dir string, opts Options) (http.Handler, error) {
	if _, err := os.Stat(filepath.Join(dir, "catalog.db")); err != nil {
		return nil, fmt.Errorf("dashboard: workspace %s: %w", dir, err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Backtest == "" {
		opts.Backtest = filepath.Join(dir, "backtest.json")
	}
	h := &handler{dir: dir, opts: opts, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /{$}", h.page(h.runsPage))
	h.mux.HandleFunc("GET /runs", h.page(h.runsPage))
	h.mux.HandleFunc("GET /runs/{id}/report", h.runReport)
	h.mux.HandleFunc("GET /models", h.page(h.modelsPage))
	h.mux.HandleFunc("GET /models/diff", h.page(h.diffPage))
	h.mux.HandleFunc("GET /trends", h.page(h.trendsPage))
	h.mux.HandleFunc("GET /backtest", h.page(h.backtestPage))
	return h, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	h.mux.ServeHTTP(w, r)
}

// errNotFound ends a request with 404.
var errNotFound = errors.New("not found")

// view is what every page template sees.
type view struct {
	Title, Page, Prefix string
	Data                any
}

// page renders the template a build function names with the data it
// returns, inside the layout.
func (h *handler) page(build func(ctx context.Context, r *http.Request) (string, string, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, title, data, err := build(r.Context(), r)
		if err != nil {
			h.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := templates.ExecuteTemplate(w, name, view{Title: title, Page: name, Prefix: h.opts.Prefix, Data: data}); err != nil {
			h.opts.Logger.Error("dashboard: render", "page", name, "err", err)
		}
	}
}

func (h *handler) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, errNotFound) || errors.Is(err, registry.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	h.opts.Logger.Error("dashboard: request", "err", err)
	http.Error(w, "dashboard: "+err.Error(), http.StatusInternalServerError)
}

// openCatalog opens the workspace's existing catalog; the caller closes it.
func (h *handler) openCatalog(ctx context.Context) (*registry.Registry, error) {
	reg, err := registry.Open(ctx, h.dir, registry.Options{MustExist: true})
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return reg, nil
}

// runID is the shape of a run's id; anything else is not a path under runs/.
var runID = regexp.MustCompile(`^r[0-9]{6,}$`)

// runReport serves a run's report.html as written by the run.
func (h *handler) runReport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !runID.MatchString(id) {
		http.Error(w, "dashboard: no run "+id, http.StatusNotFound)
		return
	}
	path := filepath.Join(h.dir, "runs", id, "report.html")
	if _, err := os.Stat(path); err != nil {
		h.fail(w, fmt.Errorf("dashboard: run %s has no report: %w", id, errNotFound))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeFile(w, r, path)
}
