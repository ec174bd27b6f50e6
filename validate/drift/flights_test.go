package drift

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

// monthRows holds the origin and distance of the flights of one month.
type monthRows struct {
	origin   []string
	distance []int64
}

// flightsMonths reads flights-3m.parquet and keeps January and June.
func flightsMonths(t *testing.T) [2]monthRows {
	t.Helper()
	schema, groups := vtest.ReadFlights3M(t)
	idx := func(name string) int { return schema.FieldIndices(name)[0] }
	di, oi, ki := idx("date"), idx("origin"), idx("distance")
	var out [2]monthRows
	for _, recs := range groups {
		for _, rec := range recs {
			dates := rec.Column(di).(*array.Timestamp)
			origins := rec.Column(oi).(*array.LargeString)
			dists := rec.Column(ki).(*array.Int64)
			for i := range int(rec.NumRows()) {
				side := -1
				switch time.UnixMicro(int64(dates.Value(i))).UTC().Month() {
				case time.January:
					side = 0
				case time.June:
					side = 1
				}
				if side >= 0 {
					out[side].origin = append(out[side].origin, origins.Value(i))
					out[side].distance = append(out[side].distance, dists.Value(i))
				}
			}
		}
		vtest.ReleaseAll(recs)
	}
	return out
}

var monthSchema = arrow.NewSchema([]arrow.Field{
	{Name: "origin", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "distance", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// profileLayout profiles m as records of recRows rows, partsOf records to
// a partial profile, each part round-tripped through JSON (as profiles
// cross processes) and merged in order: one file layout of the same rows.
func profileLayout(t *testing.T, m monthRows, recRows, partsOf int, opts profile.Options) *profile.Profile {
	t.Helper()
	total := profile.New(monthSchema, opts)
	var part *profile.Profile
	flush := func() {
		b, err := part.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		dec, err := profile.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := total.Merge(dec); err != nil {
			t.Fatal(err)
		}
		part = nil
	}
	n := 0
	for s := 0; s < len(m.origin); s += recRows {
		e := min(s+recRows, len(m.origin))
		ob := array.NewStringBuilder(memory.DefaultAllocator)
		ob.AppendValues(m.origin[s:e], nil)
		kb := array.NewInt64Builder(memory.DefaultAllocator)
		kb.AppendValues(m.distance[s:e], nil)
		oa, ka := ob.NewArray(), kb.NewArray()
		rec := array.NewRecord(monthSchema, []arrow.Array{oa, ka}, int64(e-s))
		if part == nil {
			part = profile.New(monthSchema, opts)
		}
		if err := part.Add(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		oa.Release()
		ka.Release()
		ob.Release()
		kb.Release()
		if n++; n%partsOf == 0 {
			flush()
		}
	}
	if part != nil {
		flush()
	}
	return total
}

// scipyFlights runs testdata/flights_drift.py on the rows.
func scipyFlights(t *testing.T, months [2]monthRows) map[string]float64 {
	t.Helper()
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	path := filepath.Join(t.TempDir(), "rows.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for side, m := range months {
		for i := range m.origin {
			fmt.Fprintf(w, "%d,%s,%d\n", side, m.origin[i], m.distance[i])
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", "testdata/flights_drift.py", path).Output()
	if err != nil {
		t.Skipf("scipy reference: %v (apt-get install python3-scipy)", err)
	}
	var ref map[string]any
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for k, v := range ref {
		if x, ok := v.(float64); ok {
			got[k] = x
		}
	}
	return got
}

// flightsFigures are the figures the test compares.
func flightsFigures(t *testing.T, r *Report) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, f := range r.Features {
		switch f.Name {
		case "origin":
			c := f.Categorical
			if !c.Exact {
				t.Error("origin: not exact")
			}
			out["origin_chi2"], out["origin_dof"] = c.ChiSquare, float64(c.DOF)
			out["origin_js"], out["origin_psi"] = f.JS, f.PSI
		case "distance":
			n := f.Numeric
			if !n.Exact || n.KSError != 0 || n.WassersteinError != 0 {
				t.Errorf("distance: exact %v, errors %g %g", n.Exact, n.KSError, n.WassersteinError)
			}
			out["distance_ks"], out["distance_w1"] = n.KS, n.Wasserstein
		}
	}
	return out
}

// TestFlightsDriftScipy compares flights January with June, as the issue
// that asked for exact drift did (`refit drift … --reference-where
// 'month(date) == 1' … --where 'month(date) == 6'`), against scipy on the
// same rows: origin's chi-square, Jensen–Shannon and PSI over all its
// airports, distance's KS and Wasserstein-1, to 1e-9 relative (the target
// is 1 %; exact counts make them equal up to float64 rounding). Every
// layout of the same rows gives the same bits.
func TestFlightsDriftScipy(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 3M rows and runs scipy")
	}
	months := flightsMonths(t)
	want := scipyFlights(t, months)
	layouts := []struct {
		name             string
		recRows, partsOf int
	}{
		{"65536-row records, one part", 65536, 1 << 30},
		{"7777-row records, parts of 3", 7777, 3},
		{"100000-row records, one part each", 100_000, 1},
	}
	var first map[string]float64
	for _, l := range layouts {
		ref := profileLayout(t, months[0], l.recRows, l.partsOf, profile.Options{})
		cur := profileLayout(t, months[1], l.recRows, l.partsOf, profile.Options{})
		r, err := Compare(context.Background(), ref, cur, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := flightsFigures(t, r)
		for k, w := range want {
			g, ok := got[k]
			if !ok {
				continue
			}
			if math.Abs(g-w) > 1e-9*math.Abs(w) {
				t.Errorf("%s: %s = %.12g, scipy %.12g", l.name, k, g, w)
			}
		}
		t.Logf("%s: %v", l.name, got)
		if first == nil {
			first = got
		} else if fmt.Sprint(got) != fmt.Sprint(first) {
			t.Errorf("%s: %v, first layout %v", l.name, got, first)
		}
	}
	t.Logf("scipy: %v", want)
	sketchAccuracy(t, months, want)
}

// sketchAccuracy forces distance through the quantile sketch
// (NumericExactLimit 1) and checks that KS and Wasserstein stay within their stated error
// bounds, logging how far off they are.
func sketchAccuracy(t *testing.T, months [2]monthRows, want map[string]float64) {
	for _, recRows := range []int{65536, 7777} {
		opts := profile.Options{NumericExactLimit: 1}
		ref := profileLayout(t, months[0], recRows, 1<<30, opts)
		cur := profileLayout(t, months[1], recRows, 1<<30, opts)
		r, err := Compare(context.Background(), ref, cur, Options{Columns: []string{"distance"}})
		if err != nil {
			t.Fatal(err)
		}
		n := r.Features[0].Numeric
		if n.Exact {
			t.Fatal("distance: exact with NumericExactLimit 1")
		}
		ksErr, w1Err := math.Abs(n.KS-want["distance_ks"]), math.Abs(n.Wasserstein-want["distance_w1"])
		t.Logf("sketch, %d-row records: KS %.5f (off %.5f, bound %.5f), W1 %.3f (off %.2f %%, bound %.3f)",
			recRows, n.KS, ksErr, n.KSError, n.Wasserstein, 100*w1Err/want["distance_w1"], n.WassersteinError)
		if ksErr > n.KSError || w1Err > n.WassersteinError {
			t.Errorf("sketch, %d-row records: off by KS %g, W1 %g: beyond the bounds %g, %g",
				recRows, ksErr, w1Err, n.KSError, n.WassersteinError)
		}
	}
}
