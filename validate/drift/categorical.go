package drift

import (
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/profile"
)

// maxListed is the number of unseen or vanished categories listed.
const maxListed = 10

// OtherCategory names the bin of the values outside a categorical
// feature's kept reference categories.
const OtherCategory = "(other)"

// Categorical holds the frequency comparison of a string, binary or
// boolean column, from the two value-count summaries. While both summaries
// are exact (each side has at most Options.ExactLimit distinct values)
// PSI, Jensen–Shannon and chi-square are computed over every value seen on
// either side, one bin each. Past the bound, the bins are the
// Options.MaxCategories most frequent reference values plus one
// OtherCategory bin for every other value (dropped when empty on both
// sides), a value a summary lacks counts 0 and its mass moves to the other
// bin, and Exact is false.
type Categorical struct {
	// ChiSquare is the chi-square statistic of homogeneity of the 2×k
	// table of counts over the bins (no Yates correction), with DOF degrees
	// of freedom and PValue from the chi-square distribution.
	ChiSquare float64 `json:"chi_square"`
	DOF       int     `json:"dof"`
	PValue    float64 `json:"p_value"`
	// Exact reports whether both summaries are exact, and so every figure.
	Exact bool `json:"exact"`
	// Bins is the number of bins the figures are computed over.
	Bins int `json:"bins"`
	// Categories are the shares of the Options.MaxCategories most
	// frequent reference values and one OtherCategory bin for the rest
	// (every other bin, when exact), for display.
	Categories []CategoryShare `json:"categories"`
	// Unseen lists the most frequent current values absent from the
	// reference (only when the reference summary is exact), UnseenShare
	// their total current share; Vanished and VanishedShare the reverse.
	Unseen        []CategoryShare `json:"unseen,omitempty"`
	UnseenShare   float64         `json:"unseen_share"`
	Vanished      []CategoryShare `json:"vanished,omitempty"`
	VanishedShare float64         `json:"vanished_share"`
}

// CategoryShare is a value's share of the reference and current values.
type CategoryShare struct {
	Value     string  `json:"value"`
	Reference float64 `json:"reference"`
	Current   float64 `json:"current"`
}

// categoricalDrift fills f's PSI and JS and returns the comparison.
func categoricalDrift(f *Feature, rc, cc *profile.Column, o Options) *Categorical {
	rt, ct := rc.TopK, cc.TopK
	d := &Categorical{Exact: rt.Exact() && ct.Exact()}
	if rt.N == 0 || ct.N == 0 {
		if rt.N != ct.N {
			f.Verdict = validate.VerdictAlert
			f.Notes = append(f.Notes, "no values on one side")
		}
		return d
	}
	// Each side's counts of the other's values, paired once through the
	// summaries' own indexes: every bin and list below reads them.
	j := stats.Join(rt, ct)
	refCounts, curCounts, labels := categoryBins(rc, j, o.MaxCategories, rt.N, ct.N)
	rs, cs := shares(refCounts), shares(curCounts)
	for i, l := range labels {
		d.Categories = append(d.Categories, CategoryShare{l, rs[i], cs[i]})
	}
	if d.Exact {
		refCounts, curCounts = allCategoryBins(j)
	}
	d.Bins = len(refCounts)
	d.ChiSquare, d.DOF, d.PValue = chiSquare(refCounts, curCounts)
	if d.Exact { // the counts are not needed after: shares in their place
		rs, cs = sharesInPlace(refCounts), sharesInPlace(curCounts)
	}
	f.PSI = psi(rs, cs)
	f.JS = jensenShannon(rs, cs)
	if rt.Exact() {
		d.Unseen, d.UnseenShare = missingFrom(cc, j, false, ct.N)
	}
	if ct.Exact() {
		d.Vanished, d.VanishedShare = missingFrom(rc, j, true, rt.N)
	}
	return d
}

// categoryBins returns the counts of the kept reference categories (j's A
// side) and of the other bin on both sides, and the bins' labels.
func categoryBins(rc *profile.Column, j stats.Joined, maxCats int, nr, nc int64) (ref, cur []float64, labels []string) {
	var keptR, keptC int64
	for i := range min(maxCats, j.LenA()) {
		e, c := j.A(i), max(j.BOfA[i], 0)
		ref, cur = append(ref, float64(e.Count)), append(cur, float64(c))
		labels = append(labels, rc.FormatValue(e))
		keptR, keptC = keptR+e.Count, keptC+c
	}
	if nr > keptR || nc > keptC {
		ref, cur = append(ref, float64(nr-keptR)), append(cur, float64(nc-keptC))
		labels = append(labels, OtherCategory)
	}
	return ref, cur, labels
}

// allCategoryBins returns both sides' counts of every value either side
// has: the reference's (j's A) values in its order, then the current-only
// values in theirs.
func allCategoryBins(j stats.Joined) (ref, cur []float64) {
	n := j.LenA()
	for _, c := range j.AOfB {
		if c < 0 {
			n++
		}
	}
	ref, cur = make([]float64, 0, n), make([]float64, 0, n)
	for i, c := range j.BOfA {
		ref, cur = append(ref, float64(j.CountA(i))), append(cur, float64(max(c, 0)))
	}
	for i, c := range j.AOfB {
		if c < 0 {
			ref, cur = append(ref, 0), append(cur, float64(j.CountB(i)))
		}
	}
	return ref, cur
}

// missingFrom lists the entries of one side of j (the current side B, or
// the reference side A when reversed; sorted by count, with total n) that
// the other side lacks, and their total share. reversed puts the side's
// share in Reference.
func missingFrom(c *profile.Column, j stats.Joined, reversed bool, n int64) ([]CategoryShare, float64) {
	var out []CategoryShare
	var total float64
	inOther := j.AOfB
	if reversed {
		inOther = j.BOfA
	}
	for i, o := range inOther {
		if o >= 0 {
			continue
		}
		var e stats.FreqEntry
		if reversed {
			e.Count = j.CountA(i)
		} else {
			e.Count = j.CountB(i)
		}
		s := float64(e.Count) / float64(n)
		total += s
		if len(out) < maxListed {
			if reversed {
				e = j.A(i)
			} else {
				e = j.B(i)
			}
			cs := CategoryShare{Value: c.FormatValue(e), Current: s}
			if reversed {
				cs.Reference, cs.Current = s, 0
			}
			out = append(out, cs)
		}
	}
	return out, total
}

// sharesInPlace divides counts by their total in place, as shares does.
func sharesInPlace(counts []float64) []float64 {
	t := sum(counts)
	for i, c := range counts {
		if t == 0 {
			counts[i] = 0
			continue
		}
		counts[i] = c / t
	}
	return counts
}
