package expect

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

// TestCountUpper checks the binomial quantile against scipy 1.10.1:
// scipy.stats.binom.ppf(1-alpha, n, p).
func TestCountUpper(t *testing.T) {
	tests := []struct {
		n    int64
		p    float64
		want int64
	}{
		{458170, 1.9e-5, 19},
		{5000, 0.0014, 16},
		{500000, 0.001, 570},
		{100, 0.4, 55},
		{1000000, 0.02, 20434},
		{20, 0.05, 5},
		{502222, 1.05e-4, 77},
		{0, 0.5, 0},
		{10, 0, 0},
		{10, 1, 10},
	}
	for _, tt := range tests {
		if got := countUpper(tt.n, tt.p, 1e-3); got != tt.want {
			t.Errorf("countUpper(%d, %g) = %d, want %d", tt.n, tt.p, got, tt.want)
		}
	}
}

// TestRateBounds checks the Clopper–Pearson bounds against scipy 1.10.1:
// scipy.stats.beta.ppf(1-alpha, k+1, n-k) and beta.ppf(alpha, k, n-k+1).
func TestRateBounds(t *testing.T) {
	tests := []struct {
		k, n   int64
		hi, lo float64
	}{
		{0, 508239, 1.359145664863891e-05, 0},
		{35, 508239, 0.00011297104758803943, 3.840411062706582e-05},
		{0, 100, 0.06674569920300895, 0},
		{5, 20, 0.6154210309690737, 0.04038166590337494},
		{100000, 500000, 0.20175311572744606, 0.19825493039777753},
	}
	for _, tt := range tests {
		if got := rateUpper(tt.k, tt.n, 1e-3); math.Abs(got-tt.hi) > 1e-7*tt.hi {
			t.Errorf("rateUpper(%d, %d) = %g, want %g", tt.k, tt.n, got, tt.hi)
		}
		if got := rateLower(tt.k, tt.n, 1e-3); math.Abs(got-tt.lo) > 1e-7*tt.lo {
			t.Errorf("rateLower(%d, %d) = %g, want %g", tt.k, tt.n, got, tt.lo)
		}
	}
}

// TestExcessCount checks the conditional two-rate test against the same
// search in Python: the largest k with
// scipy.stats.binom.sf(k-1, refBad+k, pi) >= alpha, pi = 1.1n/(refN+1.1n).
func TestExcessCount(t *testing.T) {
	tests := []struct {
		refBad, refN, n, want int64
	}{
		{0, 20000, 10000, 6},
		{0, 508239, 458170, 9},
		{35, 508239, 458170, 66},
		{20000, 1000000, 500000, 11407},
		{3, 100, 50, 11},
		{0, 0, 50, 50},
		{5, 100, 0, 0},
	}
	for _, tt := range tests {
		if got := excessCount(tt.refBad, tt.refN, tt.n, 0.1, 1e-3); got != tt.want {
			t.Errorf("excessCount(%d, %d, %d) = %d, want %d", tt.refBad, tt.refN, tt.n, got, tt.want)
		}
	}
}

// refRow is a row of the generated reference data: a time, a never
// negative skewed distance, a delay with both signs, a category with a long
// tail of rare values, and a label.
type refRow struct {
	TS    time.Time `parquet:"ts,timestamp(microsecond)"`
	Dist  *int64    `parquet:"dist,optional"`
	Delay *float64  `parquet:"delay,optional"`
	Cat   *string   `parquet:"cat,optional"`
	Late  bool      `parquet:"late"`
}

// genKind says how a generated batch differs from the reference.
type genKind struct {
	name      string
	distScale float64 // drift: distances × this (1 = none)
	catShift  bool    // drift: another mix of the same categories
	lateRate  float64 // the label's positive rate (0.2 when 0)
	damage    func(rng *rand.Rand, rows []refRow) []refRow
}

// genRows generates n rows of a kind.
func genRows(seed uint64, n int, k genKind) []refRow {
	rng := rand.New(rand.NewPCG(seed, 99))
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rate := k.lateRate
	if rate == 0 {
		rate = 0.2
	}
	scale := k.distScale
	if scale == 0 {
		scale = 1
	}
	rows := make([]refRow, n)
	for i := range rows {
		d := int64(math.Round(math.Exp(rng.NormFloat64()*0.5+5.5) * scale))
		delay := math.Round((rng.NormFloat64()*15+math.Exp(rng.NormFloat64()))*10) / 10
		c := int(math.Floor(math.Pow(rng.Float64(), 3) * 40)) // categories 0..39, 39 rare
		if k.catShift {
			c = 39 - c
		}
		cat := fmt.Sprintf("C%02d", c)
		rows[i] = refRow{TS: t0.Add(time.Duration(i) * time.Minute), Dist: &d, Delay: &delay, Cat: &cat, Late: rng.Float64() < rate}
	}
	if k.damage != nil {
		rows = k.damage(rng, rows)
	}
	return rows
}

// pick returns about rate·len(rows) distinct row indices.
func pick(rng *rand.Rand, n int, rate float64) []int {
	return rng.Perm(n)[:int(math.Round(rate*float64(n)))]
}

func nullDist(rate float64) func(*rand.Rand, []refRow) []refRow {
	return func(rng *rand.Rand, rows []refRow) []refRow {
		for _, i := range pick(rng, len(rows), rate) {
			rows[i].Dist = nil
		}
		return rows
	}
}

func negDist(rate float64) func(*rand.Rand, []refRow) []refRow {
	return func(rng *rand.Rand, rows []refRow) []refRow {
		for _, i := range pick(rng, len(rows), rate) {
			d := -*rows[i].Dist
			rows[i].Dist = &d
		}
		return rows
	}
}

func absurdDelay(rate float64) func(*rand.Rand, []refRow) []refRow {
	return func(rng *rand.Rand, rows []refRow) []refRow {
		for _, i := range pick(rng, len(rows), rate) {
			d := 99999.0
			rows[i].Delay = &d
		}
		return rows
	}
}

func unseenCat(rate float64) func(*rand.Rand, []refRow) []refRow {
	return func(rng *rand.Rand, rows []refRow) []refRow {
		for _, i := range pick(rng, len(rows), rate) {
			c := fmt.Sprintf("X%d", rng.IntN(20))
			rows[i].Cat = &c
		}
		return rows
	}
}

func dupRows(rate float64) func(*rand.Rand, []refRow) []refRow {
	return func(rng *rand.Rand, rows []refRow) []refRow {
		for _, i := range pick(rng, len(rows), rate) {
			rows = append(rows, rows[i])
		}
		return rows
	}
}

// refData writes rows as Parquet and opens them with their profile.
func refData(t *testing.T, name string, rows []refRow) (*ingest.Dataset, *profile.Profile) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".parquet")
	if err := parquet.WriteFile(path, rows, parquet.MaxRowsPerRowGroup(4096)); err != nil {
		t.Fatal(err)
	}
	ds, err := ingest.Open(context.Background(), []string{path}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Scan(context.Background(), ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds, prof
}

// countDuplicates counts a dataset's duplicate rows with DuplicateCounter.
func countDuplicates(t *testing.T, ds *ingest.Dataset) int64 {
	t.Helper()
	dc := NewDuplicateCounter(nil, 0)
	for rec, err := range ds.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if err := dc.Add(rec); err != nil {
			t.Fatal(err)
		}
	}
	_, d, ok := dc.Duplicates()
	if !ok {
		t.Fatal("duplicate count over its cap")
	}
	return d
}

// TestInferReference checks a clean batch, two drifted ones and damaged
// ones (several rates per kind) against checks inferred from a reference
// of 20,000 rows: clean and drifted batches pass, each damage fails
// exactly its check, and the example rows are damaged rows.
func TestInferReference(t *testing.T) {
	refDS, ref := refData(t, "ref", genRows(1, 20000, genKind{}))
	dups := countDuplicates(t, refDS)
	tests := []struct {
		kind genKind
		n    int
		want []string // error findings, as check/column
	}{
		{genKind{name: "clean"}, 10000, nil},
		{genKind{name: "clean small"}, 500, nil},
		{genKind{name: "drift distances x2.2"}, 10000, nil},
		{genKind{name: "drift categories"}, 10000, nil},
		{genKind{name: "drift label 0.3"}, 10000, nil},
		{genKind{name: "nulls 1%", damage: nullDist(0.01)}, 10000, []string{"nulls/dist"}},
		{genKind{name: "nulls 0.3%", damage: nullDist(0.003)}, 10000, []string{"nulls/dist"}},
		{genKind{name: "negatives 0.5%", damage: negDist(0.005)}, 10000, []string{"negatives/dist"}},
		{genKind{name: "negatives 5%", damage: negDist(0.05)}, 10000, []string{"negatives/dist"}},
		{genKind{name: "absurd 0.1%", damage: absurdDelay(0.001)}, 10000, []string{"range/delay"}},
		{genKind{name: "absurd 2%", damage: absurdDelay(0.02)}, 10000, []string{"range/delay"}},
		{genKind{name: "unseen 0.5%", damage: unseenCat(0.005)}, 10000, []string{"values/cat"}},
		{genKind{name: "unseen 5%", damage: unseenCat(0.05)}, 10000, []string{"values/cat"}},
		{genKind{name: "duplicates 0.3%", damage: dupRows(0.003)}, 10000, []string{"duplicate_rows"}},
		{genKind{name: "duplicates 2%", damage: dupRows(0.02)}, 10000, []string{"duplicate_rows"}},
	}
	tests[2].kind.distScale = 2.2
	tests[3].kind.catShift = true
	tests[4].kind.lateRate = 0.3
	for i, tt := range tests {
		t.Run(tt.kind.name, func(t *testing.T) {
			ds, cur := refData(t, "cur", genRows(uint64(100+i), tt.n, tt.kind))
			exp := InferReference(ref, cur, ReferenceOptions{Columns: []string{"ts", "dist", "delay", "cat"}, DuplicateRows: &dups})
			if err := exp.Validate(); err != nil {
				t.Fatal(err)
			}
			res, err := Check(context.Background(), ds, cur, exp, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				t.Logf("%s %s: %s; %s", f.Severity, f.Check+"/"+f.Column, f.Expected, f.Observed)
				name := f.Check
				if f.Column != "" {
					name += "/" + f.Column
				}
				if f.Severity == SeverityError {
					got = append(got, name)
				}
				if len(f.Examples) == 0 {
					t.Errorf("%s: no example rows", name)
				}
				for _, e := range f.Examples {
					if e.File == "" || !damagedValue(f.Check, e.Value) {
						t.Errorf("%s: example %+v is not a damaged row", name, e)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("error findings %v, want %v\n%+v", got, tt.want, res.Findings)
			}
		})
	}
}

// damagedValue tells whether an example's value is what the damage wrote.
func damagedValue(check, v string) bool {
	switch check {
	case CheckNulls:
		return v == "null"
	case CheckNegatives:
		return strings.HasPrefix(v, "-")
	case CheckRange:
		return v == "99999"
	case CheckValues:
		return strings.HasPrefix(v, "X")
	}
	return true
}

// TestInferReferenceChecks pins which checks are inferred, by column kind.
func TestInferReferenceChecks(t *testing.T) {
	_, ref := refData(t, "ref", genRows(1, 2000, genKind{}))
	_, cur := refData(t, "cur", genRows(2, 1000, genKind{}))
	exp := InferReference(ref, cur, ReferenceOptions{})
	var got []string
	for _, name := range exp.columnNames() {
		var keys []string
		for _, kv := range exp.Columns[name].fields() {
			keys = append(keys, kv.key)
		}
		got = append(got, name+":"+strings.Join(keys, ","))
	}
	want := []string{"ts:type,nulls", "dist:type,nulls,range,negatives", "delay:type,nulls,range", "cat:type,nulls,values", "late:type,nulls"}
	if !slices.Equal(got, want) {
		t.Errorf("checks %v, want %v", got, want)
	}
	if exp.DuplicateRows != nil || exp.Rules != nil {
		t.Errorf("duplicate rows %v, rules %v: want none without a duplicate count or label", exp.DuplicateRows, exp.Rules)
	}
	r := exp.Columns["dist"].Range
	m := ref.ColumnNamed("dist").Moments
	if r.Min.Num > m.Min || r.Max.Num < m.Max+3*(m.Max-m.Min)/10 || r.Max.Num > 7*m.Max {
		t.Errorf("dist range [%s, %s] for reference [%g, %g]", r.Min, r.Max, m.Min, m.Max)
	}
	if n := exp.Columns["dist"].Nulls.MaxFraction; n <= 0 || n > 0.01 {
		t.Errorf("dist null limit %g: want above 0 (noise), below 1 %%", n)
	}
	if _, err := exp.Encode(); err != nil {
		t.Errorf("encode: %v", err)
	}
}

// labelProfile profiles a label expression over a dataset.
func labelProfile(t *testing.T, ds *ingest.Dataset, expr string) *profile.Column {
	t.Helper()
	p, err := ProfileLabel(context.Background(), expr, ds.Schema(), ds.Records(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return p.Columns[0]
}

// TestLabelChecks checks a label's domain (rules over its expression) and
// rate against a reference of 20,000 rows: a true/false label whose rate
// drifts warns and one that collapses fails; a number label with absurd
// values and a class label with unseen classes fail; clean batches pass.
func TestLabelChecks(t *testing.T) {
	refDS, ref := refData(t, "ref", genRows(1, 20000, genKind{}))
	tests := []struct {
		name    string
		expr    string
		classes bool
		kind    genKind
		want    []string // findings as severity check/rule
	}{
		{"binary clean", "late", true, genKind{}, nil},
		{"binary drift", "late", true, genKind{lateRate: 0.3}, []string{"warn label"}},
		{"binary broken", "late", true, genKind{lateRate: 0.01}, []string{"error label"}},
		{"binary drift x5 odds", "late", true, genKind{lateRate: 0.55}, []string{"warn label"}},
		{"binary expression clean", "delay > 15", true, genKind{}, nil},
		{"number clean", "delay", false, genKind{}, nil},
		{"number absurd 0.3%", "delay", false, genKind{damage: absurdDelay(0.003)}, []string{"error rule/label_range"}},
		{"classes clean", "cat", true, genKind{}, nil},
		{"classes unseen 1%", "cat", true, genKind{damage: unseenCat(0.01)}, []string{"error rule/label_classes"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, cur := refData(t, "cur", genRows(uint64(200+i), 10000, tt.kind))
			l := &LabelReference{Expr: tt.expr, Classes: tt.classes, Reference: labelProfile(t, refDS, tt.expr)}
			exp := InferReference(ref, cur, ReferenceOptions{Columns: []string{}, Label: l})
			res, err := Check(context.Background(), ds, cur, exp, CheckOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if f, ok := CheckLabelRate(l, labelProfile(t, ds, tt.expr), ReferenceOptions{}); ok {
				res.Findings = append(res.Findings, f)
			}
			var got []string
			for _, f := range res.Findings {
				t.Logf("%s %s %s: %s; %s", f.Severity, f.Check, f.Rule, f.Expected, f.Observed)
				name := string(f.Severity) + " " + f.Check
				if f.Rule != "" {
					name += "/" + f.Rule
				}
				got = append(got, name)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}
