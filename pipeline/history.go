package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"time"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/workspace"
)

// historyRuns is how many recent accepted batches the row count is
// compared with.
const historyRuns = 6

// Row-count bands: a batch whose rows per day (or rows, without a usable
// time span) differ from the recent median by more than rowsErrorRatio
// either way is an error, more than rowsWarnRatio a warning. A 10× change
// in the volume of a periodic feed is a truncated or repeated extract far
// more often than the world; 3× is worth a look.
const (
	rowsErrorRatio = 10
	rowsWarnRatio  = 3
)

// batchSize is how many rows a batch had and the time they span (the time
// column's max − min; 0 when unknown).
type batchSize struct {
	Rows int64
	Span time.Duration
}

// perDay is the batch's rows per day of its span, or false when the batch
// is too small or its span unknown to say.
func (b batchSize) perDay() (float64, bool) {
	if b.Rows < 100 || b.Span <= 0 {
		return 0, false
	}
	return float64(b.Rows) / b.Span.Hours() * 24, true
}

// recentBatches returns the sizes of up to n most recent batches that
// passed validation (runs whose outcome is promoted, kept, rejected or
// not-promoted), newest first, from the catalog's runs and their run.json.
// Read-only; runs without a readable record are skipped.
func (r *run) recentBatches(ctx context.Context, n int) ([]batchSize, error) {
	runs, err := r.reg.Runs(ctx, 10*n)
	if err != nil {
		return nil, err
	}
	var out []batchSize
	for i := len(runs) - 1; i >= 0 && len(out) < n; i-- {
		if runs[i].ID == r.rec.ID {
			continue
		}
		rec, err := workspace.Dir(r.ws).ReadRecord(runs[i].ID)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		switch rec.Outcome {
		case OutcomePromoted, OutcomeKept, OutcomeRejected, OutcomeNotPromoted:
			if rec.NewRows > 0 {
				out = append(out, recordSize(rec, r.cfg.Data.TimeColumn))
			}
		}
	}
	return out, nil
}

// recordSize is a run's batch size, its span from the time column's range
// in the run's profile.
func recordSize(rec *Record, timeCol string) batchSize {
	b := batchSize{Rows: rec.NewRows}
	if rec.Profile == nil {
		return b
	}
	for _, c := range rec.Profile.Columns {
		if c.Name == timeCol && c.TimeRange != nil {
			b.Span = c.TimeRange.Max.Sub(c.TimeRange.Min)
		}
	}
	return b
}

// rowsFinding compares a batch's size with the recent ones: by rows per
// day when every batch's is known (so a first run over a backlog does not
// make the monthly batches after it look small), else by rows. It returns
// a finding when the ratio to the median leaves the warning band.
func rowsFinding(hist []batchSize, cur batchSize) (expect.Finding, bool) {
	if len(hist) == 0 || cur.Rows == 0 {
		return expect.Finding{}, false
	}
	unit, v, vals := batchMeasure(hist, cur)
	med := median(vals)
	ratio := v / med
	band := 0
	switch {
	case ratio > rowsErrorRatio || ratio < 1.0/rowsErrorRatio:
		band = rowsErrorRatio
	case ratio > rowsWarnRatio || ratio < 1.0/rowsWarnRatio:
		band = rowsWarnRatio
	default:
		return expect.Finding{}, false
	}
	f := expect.Finding{Check: expect.CheckRows, Severity: expect.SeverityWarn,
		Expected: fmt.Sprintf("%s within %d× of the median of the last %d batches (%s): %s to %s", unit, band,
			len(hist), numText(med), numText(med/float64(band)), numText(med*float64(band))),
		Observed: fmt.Sprintf("%s %s (%s× the median)", numText(v), unit, ratioText(ratio))}
	if band == rowsErrorRatio {
		f.Severity = expect.SeverityError
	}
	if unit != "rows" {
		f.Observed += fmt.Sprintf("; %s rows over %.1f days", numText(float64(cur.Rows)), cur.Span.Hours()/24)
	}
	return f, true
}

// batchMeasure returns what batches are compared by: rows per day when
// every batch has it, else rows; the current batch's value and the
// history's.
func batchMeasure(hist []batchSize, cur batchSize) (unit string, v float64, vals []float64) {
	vals = make([]float64, len(hist))
	v, ok := cur.perDay()
	for i, h := range hist {
		var hok bool
		vals[i], hok = h.perDay()
		ok = ok && hok
	}
	if ok {
		return "rows per day", v, vals
	}
	for i, h := range hist {
		vals[i] = float64(h.Rows)
	}
	return "rows", float64(cur.Rows), vals
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// numText formats a count or rate readably: 16,420 or 3.5.
func numText(v float64) string {
	if v >= 100 {
		return numfmt.Count(int64(math.Round(v)))
	}
	return fmt.Sprintf("%.3g", v)
}

func ratioText(v float64) string { return fmt.Sprintf("%.3g", v) }
