package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/registry"
)

// versionRow is one version of the models page.
type versionRow struct {
	registry.Version
	Metrics map[string]float64
	// Window is the training window from the version's run record.
	Window  string
	Aliases []string
	Gates   []evaluate.GateResult
	Failed  int
}

// aliasView is an alias with its target and history, newest first.
type aliasView struct {
	Name, Target string
	History      []registry.HistoryEntry
}

// modelsData is the models page.
type modelsData struct {
	Versions    []versionRow
	MetricNames []string
	Aliases     []aliasView
}

func (h *handler) modelsPage(ctx context.Context, _ *http.Request) (string, string, any, error) {
	d, err := h.models(ctx)
	if err != nil {
		return "", "", nil, err
	}
	slices.Reverse(d.Versions) // newest first
	return "models.html.tmpl", "Models", d, nil
}

// models reads every version, oldest first, and every alias with its
// history.
func (h *handler) models(ctx context.Context) (*modelsData, error) {
	reg, err := h.openCatalog(ctx)
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	vs, err := reg.List(ctx, registry.Filter{})
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	aliases, err := reg.Aliases(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	d := &modelsData{}
	names := map[string]bool{}
	for _, v := range vs {
		row := h.versionRow(v, aliases)
		for k := range row.Metrics {
			names[k] = true
		}
		d.Versions = append(d.Versions, row)
	}
	d.MetricNames = headline(slices.Sorted(maps.Keys(names)))
	for _, name := range slices.Sorted(maps.Keys(aliases)) {
		hist, err := reg.History(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("dashboard: %w", err)
		}
		slices.Reverse(hist)
		d.Aliases = append(d.Aliases, aliasView{Name: name, Target: aliases[name], History: hist})
	}
	return d, nil
}

// versionRow decodes a version's metrics and verdict and finds its
// training window in its run's record.
func (h *handler) versionRow(v registry.Version, aliases map[string]string) versionRow {
	row := versionRow{Version: v}
	_ = json.Unmarshal(v.Metrics, &row.Metrics) // versions registered by hand may have other shapes
	var verdict evaluate.Verdict
	if json.Unmarshal(v.GateReasons, &verdict) == nil {
		row.Gates = verdict.Checks
		row.Failed = len(verdict.Failed())
	}
	for a, target := range aliases {
		if target == v.ID {
			row.Aliases = append(row.Aliases, a)
		}
	}
	slices.Sort(row.Aliases)
	if v.RunID != "" {
		if rec, err := h.record(v.RunID); err == nil && rec.Training != nil {
			row.Window = rec.Training.Window
		}
	}
	return row
}

// headline keeps the metrics a table of versions has room for, the
// ranking metrics first.
func headline(names []string) []string {
	var out []string
	for _, want := range []string{"auc", "pr_auc", "accuracy", "logloss", "brier", "rmse", "mae", "r2", "macro_f1"} {
		if slices.Contains(names, want) && len(out) < 5 {
			out = append(out, want)
		}
	}
	if len(out) == 0 {
		out = names[:min(len(names), 6)]
	}
	return out
}

// diffRow is one quantity of two versions.
type diffRow struct {
	Name, A, B, Change string
	Differs            bool
}

// diffData is the diff page.
type diffData struct {
	IDs  []string
	A, B *versionRow
	Rows []diffRow
}

func (h *handler) diffPage(ctx context.Context, r *http.Request) (string, string, any, error) {
	d, err := h.models(ctx)
	if err != nil {
		return "", "", nil, err
	}
	out := diffData{}
	for _, v := range d.Versions {
		out.IDs = append(out.IDs, v.ID)
	}
	a, b := r.URL.Query().Get("a"), r.URL.Query().Get("b")
	if a == "" && b == "" && len(d.Versions) >= 2 { // the two newest by default
		a, b = d.Versions[len(d.Versions)-2].ID, d.Versions[len(d.Versions)-1].ID
	}
	for i := range d.Versions {
		switch d.Versions[i].ID {
		case a:
			out.A = &d.Versions[i]
		case b:
			out.B = &d.Versions[i]
		}
	}
	if (a != "" && out.A == nil) || (b != "" && out.B == nil) {
		return "", "", nil, fmt.Errorf("dashboard: diff %s %s: %w", a, b, errNotFound)
	}
	if out.A != nil && out.B != nil {
		out.Rows = diffRows(out.A, out.B)
	}
	return "diff.html.tmpl", "Diff", out, nil
}

// diffRows compares lineage, verdict and every metric of a and b.
func diffRows(a, b *versionRow) []diffRow {
	text := func(name, x, y string) diffRow { return diffRow{Name: name, A: x, B: y, Differs: x != y} }
	rows := []diffRow{
		text("created", a.Created.UTC().Format("2006-01-02 15:04"), b.Created.UTC().Format("2006-01-02 15:04")),
		text("parent", orDash(a.Parent), orDash(b.Parent)),
		text("data fingerprint", short(a.DatasetFingerprint), short(b.DatasetFingerprint)),
		text("training window", orDash(a.Window), orDash(b.Window)),
		text("config hash", short(a.ConfigHash), short(b.ConfigHash)),
		text("run", orDash(a.RunID), orDash(b.RunID)),
		text("gate", string(a.Gate), string(b.Gate)),
		text("state", a.State, b.State),
		text("aliases", orDash(strings.Join(a.Aliases, ", ")), orDash(strings.Join(b.Aliases, ", "))),
	}
	keys := map[string]bool{}
	for k := range a.Metrics {
		keys[k] = true
	}
	for k := range b.Metrics {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		x, okA := a.Metrics[k]
		y, okB := b.Metrics[k]
		row := diffRow{Name: k, A: "-", B: "-", Differs: okA != okB || numText(x) != numText(y)}
		if okA {
			row.A = numText(x)
		}
		if okB {
			row.B = numText(y)
		}
		if okA && okB {
			row.Change = signed(y - x)
		}
		rows = append(rows, row)
	}
	return rows
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// short keeps the start of a hash: enough to tell two apart.
func short(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return orDash(s)
}
