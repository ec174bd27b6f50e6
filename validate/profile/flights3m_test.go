package profile

import (
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"golang.org/x/sync/errgroup"
)

// profileGroups profiles each row group in parallel (two workers) and
// merges the partial profiles in row-group order, as ingest will.
func profileGroups(schema *arrow.Schema, groups [][]arrow.Record) (*Profile, error) {
	parts := make([]*Profile, len(groups))
	var g errgroup.Group
	g.SetLimit(2)
	for i, recs := range groups {
		g.Go(func() error {
			p := New(schema, Options{})
			for _, rec := range recs {
				if err := p.Add(rec); err != nil {
					return err
				}
			}
			parts[i] = p
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	total := New(schema, Options{})
	for _, p := range parts {
		if err := total.Merge(p); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// TestFlights3M checks counts, quantiles (rank error <= 0.5 %) and distinct
// counts (within 2 %) against exact computation on 3M real rows.
func TestFlights3M(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 3M rows")
	}
	schema, groups := vtest.ReadFlights3M(t)
	defer func() {
		for _, recs := range groups {
			vtest.ReleaseAll(recs)
		}
	}()
	start := time.Now()
	p, err := profileGroups(schema, groups)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("profiled %d rows in %d row groups in %v", p.Rows, len(groups), time.Since(start))
	exactVals := make([][]float64, len(schema.Fields()))
	exactDistinct := make([]map[string]struct{}, len(schema.Fields()))
	for _, recs := range groups {
		for _, rec := range recs {
			collectFloats(exactVals, rec)
			collectDistinct(exactDistinct, rec)
		}
	}
	res := p.Result(ResultOptions{})
	if res.Rows != 3_000_000 {
		t.Errorf("rows %d, want 3000000", res.Rows)
	}
	for i, c := range res.Columns {
		want := float64(len(exactDistinct[i]))
		if d := float64(c.Distinct); d < 0.98*want || d > 1.02*want {
			t.Errorf("%s: distinct %d, exact %g", c.Name, c.Distinct, want)
		}
		t.Logf("%s (%s): count %d nulls %d distinct %d (exact %g)", c.Name, c.Type, c.Count, c.Nulls, c.Distinct, want)
		if c.Numeric == nil || len(exactVals[i]) == 0 {
			continue
		}
		sorted := slices.Sorted(slices.Values(exactVals[i]))
		for _, q := range c.Numeric.Quantiles {
			if e := rankError(sorted, q.P, q.Value); e > 0.005 {
				t.Errorf("%s p%g = %g: rank error %.4f", c.Name, 100*q.P, q.Value, e)
			}
		}
	}
}

// collectDistinct records each column's distinct values as text.
func collectDistinct(dst []map[string]struct{}, rec arrow.Record) {
	for i, col := range rec.Columns() {
		if dst[i] == nil {
			dst[i] = map[string]struct{}{}
		}
		for j := range col.Len() {
			if col.IsValid(j) {
				dst[i][col.ValueStr(j)] = struct{}{}
			}
		}
	}
}

// BenchmarkFlights3M profiles the decoded flights-3m records (decoding is
// not timed), two workers, one partial profile per row group.
func BenchmarkFlights3M(b *testing.B) {
	schema, groups := vtest.ReadFlights3M(b)
	defer func() {
		for _, recs := range groups {
			vtest.ReleaseAll(recs)
		}
	}()
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := profileGroups(schema, groups); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(3e6/(b.Elapsed().Seconds()/float64(b.N)), "rows/s")
	b.ReportMetric((processCPU()-cpu0).Seconds()*1e9/float64(b.N)/3e6, "cpu-ns/row")
}
