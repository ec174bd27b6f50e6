package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/internal/damage"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate/expect"
)

// TestRowsFinding checks the batch-size check: rows per day against the
// median of recent batches when every span is known, rows otherwise.
func TestRowsFinding(t *testing.T) {
	month := 30 * 24 * time.Hour
	monthly := []batchSize{{500000, month}, {460000, 28 * 24 * time.Hour}, {510000, month}}
	tests := []struct {
		name string
		hist []batchSize
		cur  batchSize
		want expect.Severity // "" for no finding
	}{
		{"same month", monthly, batchSize{502000, month}, ""},
		{"no history", nil, batchSize{10, month}, ""},
		{"a backlog before, rows per day the same", []batchSize{{6000000, 360 * 24 * time.Hour}}, batchSize{500000, month}, ""},
		{"a week at the same rate", monthly, batchSize{120000, 7 * 24 * time.Hour}, ""},
		{"10x fewer rows over the month", monthly, batchSize{45000, month}, expect.SeverityError},
		{"12x more rows", monthly, batchSize{6000000, month}, expect.SeverityError},
		{"4x fewer rows", monthly, batchSize{120000, month}, expect.SeverityWarn},
		{"tiny batch, counted by rows", monthly, batchSize{50, time.Hour}, expect.SeverityError},
		{"spans unknown, rows alike", []batchSize{{1000, 0}, {1200, 0}}, batchSize{900, 0}, ""},
		{"spans unknown, 20x more rows", []batchSize{{1000, 0}, {1200, 0}}, batchSize{22000, 0}, expect.SeverityError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := rowsFinding(tt.hist, tt.cur)
			if ok != (tt.want != "") || ok && f.Severity != tt.want {
				t.Errorf("finding %v (%+v), want severity %q", ok, f, tt.want)
			}
			if ok && (f.Check != expect.CheckRows || f.Expected == "" || f.Observed == "") {
				t.Errorf("finding %+v lacks its check, expected or observed", f)
			}
		})
	}
}

// genFlight is a generated flight: the delay grows with the distance and
// at busy origins, so a small model learns something.
type genFlight struct {
	Date        time.Time `parquet:"date,timestamp(microsecond)"`
	Delay       *int64    `parquet:"delay,optional"`
	Distance    *int64    `parquet:"distance,optional"`
	Origin      *string   `parquet:"origin,optional"`
	Destination *string   `parquet:"destination,optional"`
}

var genAirports = []string{"ATL", "ORD", "DFW", "LAX", "DEN", "SEA", "SFO", "BOS", "JFK", "MIA", "PHX", "IAH", "MSP", "DTW", "SLC"}

// writeGenMonth writes n flights of a month under dir/month=YYYY-MM/;
// delayScale divides the delays (1/60: a feed that switched to hours).
func writeGenMonth(t *testing.T, dir string, month time.Time, n int, delayScale float64, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, uint64(month.Unix())))
	span := month.AddDate(0, 1, 0).Sub(month)
	rows := make([]genFlight, n)
	for i := range rows {
		o, d := rng.IntN(len(genAirports)), rng.IntN(len(genAirports))
		dist := int64(math.Round(math.Exp(rng.NormFloat64()*0.6 + 6.3)))
		delay := rng.NormFloat64()*18 + float64(dist)*0.012 - 8
		if o < 4 {
			delay += 14
		}
		delay = math.Round(delay * delayScale)
		dl := int64(delay)
		rows[i] = genFlight{Date: month.Add(time.Duration(float64(span) * float64(i) / float64(n))).Truncate(time.Minute),
			Delay: &dl, Distance: &dist, Origin: &genAirports[o], Destination: &genAirports[d]}
	}
	path := filepath.Join(dir, "month="+month.Format("2006-01"), "part-0.parquet")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

const genConfig = `workspace: ws
data: {source: land, time_column: date}
coverage: {min_rows: 50, slices: {long_haul: "distance > 1500"}}
train:
  label: delay > 15
  features: [distance, origin, destination]
  window: 62d
  hidden: [8]
  epochs: 3
  batch_size: 256
  seed: 7
evaluate:
  holdout: 0.2
  gates:
    - {metric: auc, min: 0.5}
`

// runAt runs the pipeline at a clock; a blocked run is not an error here.
func runAt(t *testing.T, cfg *Config, now time.Time) *Record {
	t.Helper()
	rec, err := Run(context.Background(), cfg, Options{Now: now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil && !errors.Is(err, ErrBlocked) {
		t.Fatal(err)
	}
	return rec
}

// damageCase is a damaged month and the error findings it must give (as
// check/column, or check for whole-row checks).
type damageCase struct {
	name    string
	damages []string
	want    []string
}

// genDamages vary kinds, columns and rates (0.3 % to 5 %).
var genDamages = []damageCase{
	{"nulls distance 1%", []string{"nulls:distance=0.01"}, []string{"nulls/distance"}},
	{"nulls origin 5%", []string{"nulls:origin=0.05"}, []string{"nulls/origin"}},
	{"negative distance 0.5%", []string{"negative:distance=0.005"}, []string{"negatives/distance"}},
	{"absurd delay 0.3%", []string{"absurd:delay=0.003"}, []string{"range/delay"}},
	{"absurd distance 5%", []string{"absurd:distance=0.05"}, []string{"range/distance"}},
	{"unseen origin 2%", []string{"unseen:origin=0.02"}, []string{"values/origin"}},
	{"unseen destination 0.5%", []string{"unseen:destination=0.005"}, []string{"values/destination"}},
	{"duplicates 0.3%", []string{"duplicate=0.003"}, []string{"duplicate_rows"}},
	{"everything", []string{"nulls:distance=0.01", "negative:distance=0.005", "absurd:delay=0.003", "unseen:origin=0.005", "duplicate=0.003"},
		[]string{"nulls/distance", "negatives/distance", "values/origin", "range/delay", "duplicate_rows"}},
}

// TestQualityGateGenerated runs the pipeline over generated months: the
// first trains a champion, a clean second month passes the checks, and
// every damaged third month (several kinds, columns and rates, and a
// truncated month and a label in other units) is blocked before training
// with findings naming damaged rows, leaving the champion alone. A clean
// third month passes after them.
func TestQualityGateGenerated(t *testing.T) {
	dir := t.TempDir()
	land := filepath.Join(dir, "land")
	if err := os.WriteFile(filepath.Join(dir, "refit.yaml"), []byte(genConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(filepath.Join(dir, "refit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	jan, mar := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC)
	writeGenMonth(t, land, jan, 10000, 1, 1)
	if rec := runAt(t, cfg, jan.AddDate(0, 1, 0)); rec.Outcome != OutcomePromoted {
		t.Fatalf("january: %s, want promoted; %q", rec.Outcome, rec.Reasons)
	}
	writeGenMonth(t, land, jan.AddDate(0, 1, 0), 9000, 1, 2)
	rec := runAt(t, cfg, mar)
	if rec.Outcome == OutcomeBlockedData || rec.Findings.Failed() {
		t.Fatalf("clean february blocked: %q", rec.Reasons)
	}
	champ := rec.ChampionAfter
	clean := filepath.Join(dir, "clean-march.parquet")
	marPath := writeGenMonth(t, land, mar, 10000, 1, 3)
	if err := os.Rename(marPath, clean); err != nil {
		t.Fatal(err)
	}
	for i, dc := range genDamages {
		t.Run(dc.name, func(t *testing.T) {
			rep := damageFile(t, clean, marPath, dc.damages, uint64(i))
			defer os.Remove(marPath)
			rec := runAt(t, cfg, mar.AddDate(0, 1, 0))
			assertBlocked(t, cfg, rec, champ, dc.want)
			assertPlacesIn(t, rec, rep, marPath, "rows land/month=2001-03/part-0.parquet:")
		})
	}
	t.Run("truncated month", func(t *testing.T) {
		writeGenMonth(t, land, mar, 600, 1, 4)
		defer os.Remove(marPath)
		assertBlocked(t, cfg, runAt(t, cfg, mar.AddDate(0, 1, 0)), champ, []string{"rows"})
	})
	t.Run("delays in hours", func(t *testing.T) {
		writeGenMonth(t, land, mar, 10000, 1.0/60, 5)
		defer os.Remove(marPath)
		assertBlocked(t, cfg, runAt(t, cfg, mar.AddDate(0, 1, 0)), champ, []string{"label/delay > 15"})
	})
	if err := os.Rename(clean, marPath); err != nil {
		t.Fatal(err)
	}
	if rec := runAt(t, cfg, mar.AddDate(0, 1, 0)); rec.Outcome == OutcomeBlockedData {
		t.Errorf("clean march blocked after the damaged ones: %q", rec.Reasons)
	}
}

// damageFile writes a damaged copy of in to out.
func damageFile(t *testing.T, in, out string, specs []string, seed uint64) *damage.Report {
	t.Helper()
	var ds []damage.Damage
	for _, s := range specs {
		d, err := damage.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	rep, err := damage.File(context.Background(), in, out, ds, damage.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// assertBlocked checks a run blocked by data quality before training:
// exactly the wanted error findings, no train stage, the champion kept.
func assertBlocked(t *testing.T, cfg *Config, rec *Record, champ string, want []string) {
	t.Helper()
	if rec.Outcome != OutcomeBlockedData {
		t.Errorf("outcome %s, want %s; reasons %q", rec.Outcome, OutcomeBlockedData, rec.Reasons)
	}
	var got []string
	if rec.Findings != nil {
		for _, f := range rec.Findings.Findings {
			t.Logf("%s %s %s: expected %s, observed %s", f.Severity, f.Check, f.Column, f.Expected, f.Observed)
			if f.Severity == expect.SeverityError {
				got = append(got, strings.TrimSuffix(f.Check+"/"+f.Column, "/"))
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("error findings %v, want %v", got, want)
	}
	for _, s := range rec.Stages {
		if s.Name == "train" || s.Name == "decide" {
			t.Errorf("stage %s ran on damaged data", s.Name)
		}
	}
	if rec.ChampionAfter != champ || rec.Candidate != "" {
		t.Errorf("champion %s → %s, candidate %q: want %s untouched", champ, rec.ChampionAfter, rec.Candidate, champ)
	}
	reg, err := registry.Open(context.Background(), cfg.Path(cfg.Workspace), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if v, err := reg.Resolve(context.Background(), "champion"); err != nil || v.ID != champ {
		t.Errorf("registry champion %v (%v), want %s", v.ID, err, champ)
	}
}

// assertPlacesIn checks that the row-level findings name rows the damage
// touched, in the damaged file, and that the reasons say where (with
// reason, the start of the place).
func assertPlacesIn(t *testing.T, rec *Record, rep *damage.Report, path, reason string) {
	t.Helper()
	assertExamples(t, rec.Findings.Findings, rep, path)
	if !strings.Contains(strings.Join(rec.Reasons, "\n"), reason) {
		t.Errorf("reasons do not name the file and rows: %q", rec.Reasons)
	}
}

// assertExamples checks that every row-level error finding has examples
// and that they are rows the damage touched, in the damaged file.
func assertExamples(t *testing.T, findings []expect.Finding, rep *damage.Report, path string) {
	t.Helper()
	touched := map[string][]int64{}
	for _, a := range rep.Applied {
		key := strings.TrimSuffix(checkOf(a.Kind)+"/"+a.Column, "/")
		touched[key] = append(touched[key], a.Rows...)
	}
	for _, f := range findings {
		rows, ok := touched[strings.TrimSuffix(f.Check+"/"+f.Column, "/")]
		if !ok || f.Severity != expect.SeverityError {
			continue
		}
		if len(f.Examples) == 0 {
			t.Errorf("%s %s: no example rows", f.Check, f.Column)
		}
		for _, e := range f.Examples {
			if e.File != path || !slices.Contains(rows, e.FileRow) {
				t.Errorf("%s %s: example %s is not a damaged row", f.Check, f.Column, e.Place())
			}
		}
	}
}

// checkOf is the check a damage kind fails.
func checkOf(k damage.Kind) string {
	return map[damage.Kind]string{damage.Nulls: expect.CheckNulls, damage.Negative: expect.CheckNegatives,
		damage.Absurd: expect.CheckRange, damage.Unseen: expect.CheckValues, damage.Duplicate: expect.CheckDuplicateRows}[k]
}

// TestChampionChecksWithoutQuality checks a champion registered before
// quality.json: the checks the profile allows still run (nulls here),
// duplicates and the label are skipped with a note.
func TestChampionChecksWithoutQuality(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "refit.yaml"), []byte(genConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(filepath.Join(dir, "refit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := openRun(context.Background(), cfg, Options{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer r.reg.Close()
	jan := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	ref := batchOf(t, writeGenMonth(t, dir, jan, 5000, 1, 1))
	clean := writeGenMonth(t, dir, jan.AddDate(0, 1, 0), 5000, 1, 2)
	damaged := filepath.Join(dir, "damaged.parquet")
	damageFile(t, clean, damaged, []string{"duplicate=0.02", "nulls:distance=0.02"}, 1)
	s := &Stage{}
	res, err := r.championChecks(context.Background(), qualityRef{id: "v0001", profile: ref.profile}, batchOf(t, damaged), s)
	if err != nil {
		t.Fatal(err)
	}
	if got := errorFindings(t, res); !slices.Equal(got, []string{"nulls/distance"}) {
		t.Errorf("error findings %v, want only nulls/distance", got)
	}
	if !strings.Contains(strings.Join(s.Notes, "\n"), "no duplicate-row count") {
		t.Errorf("notes %q do not say duplicates were skipped", s.Notes)
	}
}

// TestQualityGateBeforeChampion: when the first candidate failed its
// gates there is no champion, and new data is checked against that
// candidate's training rows: a damaged month is still blocked before
// training.
func TestQualityGateBeforeChampion(t *testing.T) {
	dir := t.TempDir()
	yaml := strings.Replace(genConfig, "{metric: auc, min: 0.5}", "{metric: auc, min: 0.99}", 1)
	if err := os.WriteFile(filepath.Join(dir, "refit.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(filepath.Join(dir, "refit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	land := filepath.Join(dir, "land")
	jan := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	writeGenMonth(t, land, jan, 8000, 1, 1)
	if rec := runAt(t, cfg, jan.AddDate(0, 1, 0)); rec.Outcome != OutcomeRejected {
		t.Fatalf("january: %s, want rejected; %q", rec.Outcome, rec.Reasons)
	}
	feb := writeGenMonth(t, land, jan.AddDate(0, 1, 0), 8000, 1, 2)
	damageFile(t, feb, feb, []string{"unseen:origin=0.01"}, 3)
	rec := runAt(t, cfg, jan.AddDate(0, 2, 0))
	if rec.Outcome != OutcomeBlockedData || rec.ChampionAfter != "" || rec.Candidate != "" {
		t.Errorf("february: outcome %s, champion %q, candidate %q: want blocked-data and no model; %q",
			rec.Outcome, rec.ChampionAfter, rec.Candidate, rec.Reasons)
	}
	if got := errorFindings(t, rec.Findings); !slices.Equal(got, []string{"values/origin"}) {
		t.Errorf("error findings %v, want values/origin", got)
	}
	if notes := strings.Join(rec.Stages[len(rec.Stages)-1].Notes, "\n"); !strings.Contains(notes, "candidate v0001's training data (no champion yet)") {
		t.Errorf("validate notes %q do not name the candidate", notes)
	}
}

// TestFindingText pins the reason line of a finding: the first rows as
// file:row (the file once), and the failing rows by file.
func TestFindingText(t *testing.T) {
	cfg := &Config{dir: "/data/proj"}
	r := &run{cfg: cfg}
	a, b := "/data/proj/land/month=2001-06/part-0.parquet", "/data/proj/land/month=2001-07/part-0.parquet"
	f := expect.Finding{Check: expect.CheckValues, Column: "origin", Expected: "one of 224 allowed values", Observed: "2,693 of 1,005,448 (0.2678%)",
		Failing: 2693, Examples: []expect.Example{{File: a, FileRow: 7}, {File: b, FileRow: 20}, {File: b, FileRow: 120}, {File: b, FileRow: 147}},
		Files: []expect.FileCount{{File: a, Failing: 42}, {File: b, Failing: 2651}}}
	want := "origin values: expected one of 224 allowed values, observed 2,693 of 1,005,448 (0.2678%); " +
		"rows land/month=2001-06/part-0.parquet:7, land/month=2001-07/part-0.parquet:20, :120, …; " +
		"by file: land/month=2001-06/part-0.parquet 42, land/month=2001-07/part-0.parquet 2,651"
	if got := r.findingText(f); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f = expect.Finding{Check: expect.CheckRows, Expected: "x", Observed: "y"}
	if got := r.findingText(f); got != "rows: expected x, observed y" {
		t.Errorf("got %q", got)
	}
}
