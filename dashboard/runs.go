package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
)

// runRow is one run of the runs page.
type runRow struct {
	registry.Run
	Reasons   []string
	Candidate string
	NewRows   int64
	HasReport bool
}

// runsData is the runs page.
type runsData struct {
	Rows []runRow
	// Outcomes are the outcomes present, for the filter; Outcome the one
	// selected ("" for all) and Counts the runs of each.
	Outcomes []string
	Outcome  string
	Counts   map[string]int
	Total    int
}

func (h *handler) runsPage(ctx context.Context, r *http.Request) (string, string, any, error) {
	rows, _, err := h.runs(ctx)
	if err != nil {
		return "", "", nil, err
	}
	d := runsData{Outcome: r.URL.Query().Get("outcome"), Counts: map[string]int{}, Total: len(rows)}
	for _, row := range rows {
		if d.Counts[row.Outcome]++; d.Counts[row.Outcome] == 1 {
			d.Outcomes = append(d.Outcomes, row.Outcome)
		}
		if d.Outcome == "" || row.Outcome == d.Outcome {
			d.Rows = append(d.Rows, row)
		}
	}
	slices.Sort(d.Outcomes)
	slices.Reverse(d.Rows) // newest first
	return "runs.html.tmpl", "Runs", d, nil
}

// runs lists the catalog's runs, oldest first, with what their records
// add (the reasons, the candidate and the new rows), and the records by
// run; a run without a record (still running, or pruned) has none.
func (h *handler) runs(ctx context.Context) ([]runRow, map[string]*pipeline.Record, error) {
	reg, err := h.openCatalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer reg.Close()
	runs, err := reg.Runs(ctx, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("dashboard: %w", err)
	}
	recs := map[string]*pipeline.Record{}
	out := make([]runRow, len(runs))
	for i, run := range runs {
		row := runRow{Run: run}
		_ = json.Unmarshal(run.Reasons, &row.Reasons) // reasons are optional
		rec, err := h.record(run.ID)
		switch {
		case err == nil:
			if row.Outcome == "" {
				row.Outcome = string(rec.Outcome)
			}
			row.Reasons, row.Candidate, row.NewRows = rec.Reasons, rec.Candidate, rec.NewRows
			recs[run.ID] = rec
		case !errors.Is(err, fs.ErrNotExist):
			return nil, nil, err
		}
		_, err = os.Stat(filepath.Join(workspace.Dir(h.dir).RunPath(run.ID), "report.html"))
		row.HasReport = err == nil
		out[i] = row
	}
	return out, recs, nil
}

// record reads a run's run.json.
func (h *handler) record(id string) (*pipeline.Record, error) {
	return workspace.Dir(h.dir).ReadRecord(id)
}

// records reads the records of the catalog's runs, oldest first.
func (h *handler) records(ctx context.Context) ([]*pipeline.Record, error) {
	rows, recs, err := h.runs(ctx)
	if err != nil {
		return nil, err
	}
	var out []*pipeline.Record
	for _, row := range rows {
		if rec := recs[row.ID]; rec != nil {
			out = append(out, rec)
		}
	}
	return out, nil
}
