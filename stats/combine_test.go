package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// listFn collects its inputs: the result shows the merge order.
type listFn struct{ failMerge bool }

func (listFn) CreateAccumulator() []int { return nil }

func (listFn) AddInput(acc []int, in int) ([]int, error) { return append(acc, in), nil }

func (f listFn) MergeAccumulators(acc, other []int) ([]int, error) {
	if f.failMerge {
		return acc, errors.New("merge failed")
	}
	return append(acc, other...), nil
}

func (listFn) ExtractOutput(acc []int) ([]int, error) { return acc, nil }

// Parts finishing in any order, on several goroutines, merge in part
// order; a part without inputs takes its turn.
func TestOrderedMergesInPartOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const parts = 40
	for range 20 {
		o := NewOrdered[[]int, int, []int](listFn{})
		var want []int
		for p := range parts {
			if p%7 != 3 { // parts 3, 10, … have no inputs
				want = append(want, 10*p, 10*p+1)
			}
		}
		order := rng.Perm(parts)
		var wg sync.WaitGroup
		errs := make([]error, parts)
		for _, p := range order {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if p%7 != 3 {
					for k := range 2 {
						if err := o.Add(p, 10*p+k); err != nil {
							errs[p] = err
							return
						}
					}
				}
				errs[p] = o.Done(p)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		got, err := o.Result(parts)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("got %v, %v; want %v", got, err, want)
		}
	}
}

func TestOrderedErrors(t *testing.T) {
	o := NewOrdered[[]int, int, []int](listFn{})
	for _, p := range []int{0, 2} {
		if err := o.Done(p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Result(3); err == nil {
		t.Error("a result with part 1 missing")
	}
	if got, err := NewOrdered[[]int, int, []int](listFn{}).Result(0); err != nil || got != nil {
		t.Errorf("no parts: %v, %v", got, err)
	}
	f := NewOrdered[[]int, int, []int](listFn{failMerge: true})
	if err := f.Done(0); err != nil {
		t.Fatal(err)
	}
	if err := f.Done(1); err == nil {
		t.Fatal("merge error not returned")
	}
	if _, err := f.Result(2); err == nil {
		t.Error("result after a merge error")
	}
}

// The single-accumulator combiners give, over parts, what one accumulator
// gives over all the values: exactly for counts and extremes, within
// rounding for mean and variance, within the rank error for quantiles.
func TestMomentsAndQuantilesFn(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := distributions(rng, 200_000)["lognormal"]
	mo, qo := NewOrdered(MomentsFn{}), NewOrdered(QuantilesFn{})
	part := 0
	for s := 0; s < len(vals); part++ {
		e := min(s+1+rng.IntN(30_000), len(vals))
		for c := s; c < e; c += 4096 {
			chunk := vals[c:min(c+4096, e)]
			if err := errors.Join(mo.Add(part, chunk), qo.Add(part, chunk)); err != nil {
				t.Fatal(err)
			}
		}
		if err := errors.Join(mo.Done(part), qo.Done(part)); err != nil {
			t.Fatal(err)
		}
		s = e
	}
	m, err := mo.Result(part)
	if err != nil {
		t.Fatal(err)
	}
	whole := MomentsOf(vals)
	if m.Count != whole.Count || m.Min != whole.Min || m.Max != whole.Max ||
		math.Abs(m.Mean-whole.Mean) > 1e-12*math.Abs(whole.Mean) ||
		math.Abs(m.Variance()-whole.Variance()) > 1e-9*whole.Variance() {
		t.Errorf("moments over parts %+v, over all %+v", m, whole)
	}
	sv, err := qo.Result(part)
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Sorted(slices.Values(vals))
	for _, p := range []float64{0.01, 0.5, 0.99} {
		if e := rankError(sorted, p, sv.Quantile(p)); e > 0.005 {
			t.Errorf("p%g: rank error %.4f", 100*p, e)
		}
	}
}

// AddRepeated equals adding the copies one by one.
func TestMomentsAddRepeated(t *testing.T) {
	var a, b Moments
	a.AddFinite([]float64{1, 2, 4})
	b.AddFinite([]float64{1, 2, 4})
	a.AddRepeated(-3, 4)
	b.AddFinite([]float64{-3, -3, -3, -3})
	if a.Count != b.Count || a.Negatives != 4 || math.Abs(a.Mean-b.Mean) > 1e-15 || math.Abs(a.M2-b.M2) > 1e-12 ||
		a.Min != -3 || a.Max != 4 || a.Sum != b.Sum {
		t.Errorf("AddRepeated %+v, one by one %+v", a, b)
	}
	if got, want := a.PopulationStdDev(), math.Sqrt(b.M2/7); math.Abs(got-want) > 1e-12 {
		t.Errorf("population std %g, want %g", got, want)
	}
}
