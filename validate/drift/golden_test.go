package drift

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

// Golden values come from testdata/drift_golden.py (Debian python3-scipy
// 1.10.1, numpy 1.24): exact data, exact quantile bins, scipy's ks_2samp,
// wasserstein_distance, jensenshannon(base=2), kstwobign and
// chi2_contingency(correction=False).
type goldenNumeric struct {
	Name      string    `json:"name"`
	Edges     []float64 `json:"edges"`
	RefShares []float64 `json:"ref_shares"`
	CurShares []float64 `json:"cur_shares"`
	PSI       float64   `json:"psi"`
	JS        float64   `json:"js"`
	KS        float64   `json:"ks"`
	KSP       float64   `json:"ks_p"`
	W1        float64   `json:"w1"`
	MeanShift float64   `json:"mean_shift"`
	StdShift  float64   `json:"std_shift"`
	Ref       []float64 `json:"ref"`
	Cur       []float64 `json:"cur"`
	RefGen    []float64 `json:"ref_gen"`
	CurGen    []float64 `json:"cur_gen"`
}

type goldenCategorical struct {
	Name        string           `json:"name"`
	RefCounts   map[string]int64 `json:"ref_counts"`
	CurCounts   map[string]int64 `json:"cur_counts"`
	PSI         float64          `json:"psi"`
	JS          float64          `json:"js"`
	Chi2        float64          `json:"chi2"`
	DOF         int              `json:"dof"`
	P           float64          `json:"p"`
	UnseenShare float64          `json:"unseen_share"`
}

type goldenFile struct {
	Exact       []goldenNumeric     `json:"exact"`
	Sketch      []goldenNumeric     `json:"sketch"`
	Categorical []goldenCategorical `json:"categorical"`
}

func loadGolden(t *testing.T) goldenFile {
	t.Helper()
	b, err := os.ReadFile("testdata/drift_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// floatProfile profiles vals as column "x".
func floatProfile(t testing.TB, vals []float64) *profile.Profile {
	t.Helper()
	rec := vtest.FloatRecord(vals)
	defer rec.Release()
	p := profile.New(rec.Schema(), profile.Options{})
	if err := p.Add(rec); err != nil {
		t.Fatal(err)
	}
	return p
}

// stringProfile profiles counts[v] copies of each v as column "x".
func stringProfile(t testing.TB, counts map[string]int64) *profile.Profile {
	t.Helper()
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for range counts[k] {
			b.Append(k)
		}
	}
	arr := b.NewArray()
	defer arr.Release()
	return columnProfile(t, "x", arr)
}

func driftOf(t testing.TB, ref, cur *profile.Profile) Feature {
	t.Helper()
	r, err := Compare(context.Background(), ref, cur, Options{PValueMaxN: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Features {
		if f.Name == ref.Columns[0].Name {
			return f
		}
	}
	t.Fatalf("no drift of column %q", ref.Columns[0].Name)
	return Feature{}
}

// TestDriftGoldenExact: below 4096 values the sketch holds every value, so
// every number matches scipy up to float rounding (1e-9).
func TestDriftGoldenExact(t *testing.T) {
	for _, g := range loadGolden(t).Exact {
		t.Run(g.Name, func(t *testing.T) {
			f := driftOf(t, floatProfile(t, g.Ref), floatProfile(t, g.Cur))
			checkNumeric(t, f, g, 1e-9, 1e-9, 1e-9)
			vtest.Eq(t, "edges", f.Numeric.Bins.Edges, g.Edges)
			for i := range g.RefShares {
				vtest.Near(t, "ref share", f.Numeric.Bins.Reference[i], g.RefShares[i], 1e-12)
				vtest.Near(t, "cur share", f.Numeric.Bins.Current[i], g.CurShares[i], 1e-12)
			}
		})
	}
}

// TestDriftGoldenSketch: on 200,000 and 150,000 values the sketches are
// compacted; the KLL rank error (0.3 % each side) bounds the KS and bin
// share errors, so KS is checked to 0.01, PSI and JS to 0.01, W1 to 1 %.
func TestDriftGoldenSketch(t *testing.T) {
	for _, g := range loadGolden(t).Sketch {
		t.Run(g.Name, func(t *testing.T) {
			ref := floatProfile(t, splitmixNormals(g.RefGen))
			cur := floatProfile(t, splitmixNormals(g.CurGen))
			f := driftOf(t, ref, cur)
			checkNumeric(t, f, g, 0.01, 0.01, 0.01*g.W1)
		})
	}
}

func checkNumeric(t *testing.T, f Feature, g goldenNumeric, tolKS, tolPSI, tolW1 float64) {
	t.Helper()
	n := f.Numeric
	vtest.Near(t, "psi", f.PSI, g.PSI, tolPSI)
	vtest.Near(t, "js", f.JS, g.JS, tolPSI)
	vtest.Near(t, "ks", n.KS, g.KS, tolKS)
	vtest.Near(t, "w1", n.Wasserstein, g.W1, tolW1)
	vtest.Near(t, "mean shift", *n.MeanShift, g.MeanShift, 1e-9)
	vtest.Near(t, "std shift", *n.StdShift, g.StdShift, 1e-9)
	if tolKS < 1e-6 {
		vtest.Near(t, "ks p", *n.KSPValue, g.KSP, 1e-9*max(g.KSP, 1e-300)+1e-12)
	}
}

// splitmixNormals reimplements the script's Box–Muller generator; gen is
// seed, n, mean, std.
func splitmixNormals(gen []float64) []float64 {
	x := uint64(gen[0])
	next := func() float64 {
		x += 0x9E3779B97F4A7C15
		z := x
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		return (float64(z>>11) + 0.5) * 0x1p-53
	}
	out := make([]float64, int(gen[1]))
	for i := range out {
		u1, u2 := next(), next()
		out[i] = gen[2] + gen[3]*math.Sqrt(-2*math.Log(u1))*math.Cos(2*math.Pi*u2)
	}
	return out
}

// TestDriftGoldenCategorical: exact counts, so everything matches scipy to
// float rounding.
func TestDriftGoldenCategorical(t *testing.T) {
	for _, g := range loadGolden(t).Categorical {
		t.Run(g.Name, func(t *testing.T) {
			f := driftOf(t, stringProfile(t, g.RefCounts), stringProfile(t, g.CurCounts))
			c := f.Categorical
			vtest.Near(t, "psi", f.PSI, g.PSI, 1e-12)
			vtest.Near(t, "js", f.JS, g.JS, 1e-12)
			vtest.Near(t, "chi2", c.ChiSquare, g.Chi2, 1e-9)
			vtest.Eq(t, "dof", c.DOF, g.DOF)
			vtest.Near(t, "p", c.PValue, g.P, 1e-9*g.P+1e-15)
			vtest.Near(t, "unseen share", c.UnseenShare, g.UnseenShare, 1e-12)
		})
	}
}

// columnProfile profiles arr as the one nullable column name.
func columnProfile(t testing.TB, name string, arr arrow.Array) *profile.Profile {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: name, Type: arr.DataType(), Nullable: true}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
	defer rec.Release()
	p := profile.New(schema, profile.Options{})
	if err := p.Add(rec); err != nil {
		t.Fatal(err)
	}
	return p
}
