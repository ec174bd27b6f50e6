package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// flightsMonths splits ../shared/datasets/flights-3m.parquet into
// t.TempDir()/month=2001-MM/part-0.parquet; it skips without REFIT_SHARED's
// data or in -short mode.
func flightsMonths(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("reads and splits 3M real flights")
	}
	shared := os.Getenv("REFIT_SHARED")
	if shared == "" {
		shared = "../../shared"
	}
	src := filepath.Join(shared, "datasets", "flights-3m.parquet")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("no flights data (set REFIT_SHARED): %v", err)
	}
	dir := t.TempDir()
	if err := splitMonths(src, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// splitMonths writes one Parquet file per month of src's date column.
func splitMonths(src, dir string) error {
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{src}, ingest.Options{})
	if err != nil {
		return err
	}
	byMonth := map[int][]arrow.Record{}
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			return err
		}
		dates := rec.Column(0).(*array.Timestamp)
		for m := 1; m <= 12; m++ {
			mask := make([]bool, rec.NumRows())
			any := false
			for i := range mask {
				mask[i] = dates.Value(i).ToTime(arrow.Microsecond).Month() == time.Month(m)
				any = any || mask[i]
			}
			if !any {
				continue
			}
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			b.AppendValues(mask, nil)
			arr := b.NewBooleanArray()
			out, err := compute.FilterRecordBatch(ctx, rec, arr, compute.DefaultFilterOptions())
			arr.Release()
			b.Release()
			if err != nil {
				return err
			}
			byMonth[m] = append(byMonth[m], out)
		}
	}
	for m, recs := range byMonth {
		path := filepath.Join(dir, "month=2001-"+twoDigits(m), "part-0.parquet")
		if err := writeRecords(path, ds.Schema(), recs); err != nil {
			return err
		}
	}
	return nil
}

func twoDigits(m int) string { return string(rune('0'+m/10)) + string(rune('0'+m%10)) }

func writeRecords(path string, schema *arrow.Schema, recs []arrow.Record) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tbl := array.NewTableFromRecords(schema, recs)
	defer tbl.Release()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	if err := pqarrow.WriteTable(tbl, &buf, 1<<16, props, pqarrow.DefaultWriterProps()); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func monthPath(dir string, m int) string {
	return filepath.Join(dir, "month=2001-"+twoDigits(m), "part-0.parquet")
}

// flightsConfig is examples/flights/refit.yaml's model, in a scratch
// workspace over land.
func flightsConfig(t *testing.T, dir string) *Config {
	t.Helper()
	yaml := `workspace: ws
data: {source: land, time_column: date}
train:
  label: delay > 15
  features: [distance, origin, destination]
  window: 62d
  hidden: [16]
  epochs: 1
  batch_size: 1024
  seed: 7
evaluate:
  holdout: 0.1
  gates:
    - {metric: auc, min: 0.5}
`
	path := filepath.Join(dir, "refit.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// batchOf opens and profiles a file as a run's new data.
func batchOf(t *testing.T, path string) *newData {
	t.Helper()
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{path}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Scan(ctx, ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &newData{ds: ds, profile: prof}
}

// errorFindings lists a result's error findings as check/column.
func errorFindings(t *testing.T, res *expect.CheckResult) []string {
	var got []string
	for _, f := range res.Findings {
		t.Logf("  %s %s %s%s: expected %s, observed %s", f.Severity, f.Check, f.Column, f.Rule, f.Expected, f.Observed)
		if f.Severity == expect.SeverityError {
			got = append(got, strings.TrimSuffix(f.Check+"/"+f.Column, "/"))
		}
	}
	return got
}

// flightsDamages are damaged Junes: the (1 % null and 0.5 %
// negative distances, 0.1 % absurd delays, unseen airports, 1,000
// duplicated rows) and variants of kinds, columns and rates.
var flightsDamages = []damageCase{
	{"issue 12's june", []string{"nulls:distance=0.01", "negative:distance=0.005", "absurd:delay=0.001", "unseen:origin=0.005", "duplicate=0.002"},
		[]string{"nulls/distance", "negatives/distance", "values/origin", "range/delay", "duplicate_rows"}},
	{"nulls origin 0.3%", []string{"nulls:origin=0.003"}, []string{"nulls/origin"}},
	{"nulls delay 5%", []string{"nulls:delay=0.05"}, []string{"nulls/delay"}},
	{"negative distance 0.3%", []string{"negative:distance=0.003"}, []string{"negatives/distance"}},
	{"absurd distance 0.3%", []string{"absurd:distance=0.003"}, []string{"range/distance"}},
	{"absurd delay 5%", []string{"absurd:delay=0.05"}, []string{"range/delay"}},
	{"unseen destination 0.3%", []string{"unseen:destination=0.003"}, []string{"values/destination"}},
	{"unseen origin 5%", []string{"unseen:origin=0.05"}, []string{"values/origin"}},
	{"duplicates 0.3%", []string{"duplicate=0.003"}, []string{"duplicate_rows"}},
	{"duplicates 5%", []string{"duplicate=0.05"}, []string{"duplicate_rows"}},
}

// TestQualityFlightsMonths checks real months against the previous
// months' training profile, as the pipeline's default checks do (train on
// January, check February; on January–February, check March; …): every
// clean month passes without an error finding, and so does its size
// against the months before. Then damaged Junes (flightsDamages) checked
// against January–May each fail exactly their checks.
func TestQualityFlightsMonths(t *testing.T) {
	months := flightsMonths(t)
	ctx := context.Background()
	dir := t.TempDir()
	r, err := openRun(ctx, flightsConfig(t, dir), Options{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer r.reg.Close()
	var acc *trainingAccumulator
	var sizes []batchSize
	for m := 1; m <= 6; m++ {
		b := batchOf(t, monthPath(months, m))
		res := b.profile.Result(profile.ResultOptions{})
		r.rec.Profile = &res
		size := recordSize(r.rec, "date")
		if acc != nil {
			prof, q := acc.result()
			got := errorFindings(t, checkAgainst(t, r, prof, q, b))
			t.Logf("month %d against months 1–%d (%d rows): error findings %v", m, m-1, prof.Rows, got)
			if len(got) > 0 {
				t.Errorf("clean month %d: error findings %v", m, got)
			}
			hist := slices.Clone(sizes)
			slices.Reverse(hist)
			if f, ok := rowsFinding(hist[:min(historyRuns, len(hist))], size); ok {
				t.Errorf("clean month %d: %+v", m, f)
			}
		} else if acc, err = newTrainingAccumulator(b.ds.Schema(), "delay > 15"); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, size)
		if m == 6 {
			break
		}
		for rec, err := range b.ds.Records(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if err := acc.add(rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	prof, q := acc.result()
	for i, dc := range flightsDamages {
		t.Run(dc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "june.parquet")
			rep := damageFile(t, monthPath(months, 6), path, dc.damages, uint64(i))
			res := checkAgainst(t, r, prof, q, batchOf(t, path))
			if got := errorFindings(t, res); !slices.Equal(got, dc.want) {
				t.Errorf("error findings %v, want %v", got, dc.want)
			}
			assertExamples(t, res.Findings, rep, path)
		})
	}
}

// checkAgainst runs the default checks of a batch against a reference.
func checkAgainst(t *testing.T, r *run, prof *profile.Profile, q *trainingQuality, b *newData) *expect.CheckResult {
	t.Helper()
	res, err := r.championChecks(context.Background(), qualityRef{id: "ref", profile: prof, quality: q, classes: true}, b, &Stage{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestQualityGateFlights runs the pipeline on real January flights (a
// champion), then on a damaged February like issue 12's June: the run is
// blocked before training, its reasons name rows of the file, and the
// champion stays.
func TestQualityGateFlights(t *testing.T) {
	months := flightsMonths(t)
	dir := t.TempDir()
	cfg := flightsConfig(t, dir)
	land := filepath.Join(dir, "land")
	if err := os.MkdirAll(filepath.Join(land, "month=2001-01"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(monthPath(months, 1), filepath.Join(land, "month=2001-01", "part-0.parquet")); err != nil {
		t.Fatal(err)
	}
	feb := time.Date(2001, 2, 1, 0, 0, 0, 0, time.UTC)
	rec := runAt(t, cfg, feb)
	if rec.Outcome != OutcomePromoted {
		t.Fatalf("january: %s, want promoted; %q", rec.Outcome, rec.Reasons)
	}
	champ := rec.ChampionAfter
	path := filepath.Join(land, "month=2001-02", "part-0.parquet")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	dc := flightsDamages[0]
	rep := damageFile(t, monthPath(months, 2), path, dc.damages, 12)
	rec = runAt(t, cfg, feb.AddDate(0, 1, 0))
	assertBlocked(t, cfg, rec, champ, dc.want)
	assertPlacesIn(t, rec, rep, path, "rows land/month=2001-02/part-0.parquet:")
}
