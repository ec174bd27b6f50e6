package drift

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/profile"
)

// Options configure [Compare]. The zero value gives the defaults.
type Options struct {
	// Bins is the number of reference quantile bins of numeric PSI and
	// Jensen–Shannon. Defaults to 10.
	Bins int `json:"bins" yaml:"bins"`
	// PSIWarn and PSIAlert are the PSI at or above which a feature gets a
	// warn or alert verdict. Default to 0.1 and 0.25.
	PSIWarn  float64 `json:"psi_warn" yaml:"psi_warn"`
	PSIAlert float64 `json:"psi_alert" yaml:"psi_alert"`
	// NullWarn and NullAlert are the absolute change of a column's null
	// rate at or above which it gets a warn or alert verdict. Default to
	// 0.05 and 0.2; negative disables.
	NullWarn  float64 `json:"null_warn" yaml:"null_warn"`
	NullAlert float64 `json:"null_alert" yaml:"null_alert"`
	// Columns limits the comparison to these columns. Defaults to every
	// column of the reference.
	Columns []string `json:"columns,omitempty" yaml:"columns"`
	// MaxCategories is the number of most frequent reference values of a
	// categorical column listed with their shares; the rest share an
	// "other" bin. The figures use every value while both sides' counts
	// are exact, else these bins. Defaults to 50.
	MaxCategories int `json:"max_categories" yaml:"max_categories"`
	// PValueMaxN is the largest effective sample size n·m/(n+m) for which
	// the KS p-value is reported. Defaults to 10,000: on more rows every
	// difference is "significant" and the p-value says nothing.
	PValueMaxN float64 `json:"p_value_max_n" yaml:"p_value_max_n"`
	// HistogramBins is the number of bins (equal-width, or log or tail
	// bins for skewed columns) of the overlaid
	// reference and current histograms of numeric features. Defaults to 20.
	HistogramBins int `json:"histogram_bins" yaml:"histogram_bins"`
}

// WithDefaults returns o with every unset field at its default, as
// [Compare] uses it (reports saved with zero options read their thresholds
// through it).
func (o Options) WithDefaults() Options { return o.withDefaults() }

func (o Options) withDefaults() Options {
	o.Bins = cmp.Or(max(o.Bins, 0), 10)
	o.PSIWarn = cmp.Or(o.PSIWarn, 0.1)
	o.PSIAlert = cmp.Or(o.PSIAlert, 0.25)
	o.NullWarn = cmp.Or(o.NullWarn, 0.05)
	o.NullAlert = cmp.Or(o.NullAlert, 0.2)
	o.MaxCategories = cmp.Or(max(o.MaxCategories, 0), 50)
	o.PValueMaxN = cmp.Or(o.PValueMaxN, 10_000)
	o.HistogramBins = cmp.Or(max(o.HistogramBins, 0), 20)
	return o
}

// Validate reports impossible thresholds.
func (o Options) Validate() error {
	d := o.withDefaults()
	if d.PSIWarn < 0 || d.PSIAlert < d.PSIWarn {
		return fmt.Errorf("validate: drift thresholds: psi warn %g, alert %g: want 0 <= warn <= alert: %w",
			d.PSIWarn, d.PSIAlert, validate.ErrInvalidOptions)
	}
	if d.NullWarn > 0 && d.NullAlert > 0 && d.NullAlert < d.NullWarn {
		return fmt.Errorf("validate: drift thresholds: null warn %g, alert %g: want warn <= alert: %w",
			d.NullWarn, d.NullAlert, validate.ErrInvalidOptions)
	}
	return nil
}

// Report compares a current profile with a reference profile.
type Report struct {
	ReferenceRows int64            `json:"reference_rows"`
	CurrentRows   int64            `json:"current_rows"`
	Options       Options          `json:"options"`
	Verdict       validate.Verdict `json:"verdict"`
	Features      []Feature        `json:"features"` // ranked: worst verdict, then highest score
}

// Feature is the drift of one column.
type Feature struct {
	Name    string           `json:"name"`
	Type    string           `json:"type"`
	Kind    string           `json:"kind"` // numeric, temporal, categorical, other, missing
	Verdict validate.Verdict `json:"verdict"`
	// Score ranks features: the PSI.
	Score float64 `json:"score"`
	PSI   float64 `json:"psi"`
	// JS is the Jensen–Shannon distance (base 2, 0 to 1) of the PSI bins.
	JS          float64      `json:"js"`
	Nulls       Nulls        `json:"nulls"`
	Numeric     *Numeric     `json:"numeric,omitempty"`
	Categorical *Categorical `json:"categorical,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
}

// Nulls is the change of a column's null rate (nulls / rows).
type Nulls struct {
	Reference float64 `json:"reference"`
	Current   float64 `json:"current"`
	Change    float64 `json:"change"` // Current − Reference
}

// Drift compares cur with ref column by column (matched by name) from
// their sketches alone, so two saved profiles compare in milliseconds.
// Columns of ref missing from cur get an alert. ctx is checked between
// columns.
//
// Numeric and time columns get PSI over the reference's quantile bins (10
// by default: edges at the reference quantiles i/10, the outer bins open to
// ±∞), PSI = Σ (c−r)·ln(c/r) with an empty share replaced by [PSIEpsilon]
// (1e-4, not renormalized); the Jensen–Shannon distance (base 2) of the
// same bins; the Kolmogorov–Smirnov statistic sup |F_ref − F_cur| over every
// value either sketch retains, with the asymptotic Kolmogorov p-value at
// n_eff = n·m/(n+m) only while n_eff ≤ 10,000; Wasserstein-1
// ∫ |F_ref − F_cur| dx (in the column's unit, for time columns also in
// seconds); and mean and std shift in reference std units. A time column
// whose current type has another unit than the reference's (timestamp[ms]
// and timestamp[us], date32 and a timestamp) is compared in the
// reference's unit: the current sketch's values and moments are scaled by
// the whole ratio of the units, which keeps every rank, so the numbers are
// those of converted data up to float64 rounding. Instants (timestamps,
// dates), times of day and durations do not compare with each other: like
// any other change of kind, that is a type change and an alert.
// Categorical columns get PSI, Jensen–Shannon and the chi-square test of
// homogeneity over value frequencies (every value of either side while both
// sides' counts are exact, see Options.ExactLimit; else the 50 most frequent
// reference values and one other bin), and unseen and vanished values. Every column gets its
// null-rate change. Verdicts come from effect sizes, not p-values: PSI 0.1
// warns and 0.25 alerts by default, and so do null-rate changes of 0.05 and
// 0.2. While value counts are exact (Options.NumericExactLimit and
// ExactLimit), and below 4096 values, where a sketch is exact, every number
// is exact (testdata/drift_golden.py and testdata/flights_drift.py check
// them against scipy to 1e-9); beyond, they are within the sketch's rank
// error, which Numeric states (KS within 0.01 on 200,000 values).
func Compare(ctx context.Context, ref, cur *profile.Profile, opts Options) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	cols, err := driftColumns(ref, o.Columns)
	if err != nil {
		return nil, err
	}
	r := &Report{ReferenceRows: ref.Rows, CurrentRows: cur.Rows, Options: o}
	for _, rc := range cols {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("validate: drift: %w", err)
		}
		cc := cur.ColumnNamed(rc.Name)
		f := columnDrift(ref, rc, cur, cc, o)
		fs := []Feature{f}
		if isInstant(rc) {
			judgeInstant(&fs[0], rc, cc, o)
			fs = append(fs, calendarDrift(rc, cc, o)...)
		}
		for _, f := range fs {
			r.Features = append(r.Features, f)
			r.Verdict = max(r.Verdict, f.Verdict)
		}
	}
	rankFeatures(r.Features)
	return r, nil
}

// driftColumns returns the reference columns to compare.
func driftColumns(ref *profile.Profile, names []string) ([]*profile.Column, error) {
	if len(names) == 0 {
		return ref.Columns, nil
	}
	out := make([]*profile.Column, 0, len(names))
	for _, n := range names {
		c := ref.ColumnNamed(n)
		if c == nil {
			return nil, fmt.Errorf("validate: drift: column %q not in the reference: %w", n, validate.ErrInvalidOptions)
		}
		out = append(out, c)
	}
	return out, nil
}

// rankFeatures sorts by verdict, then score, descending, then name.
func rankFeatures(fs []Feature) {
	slices.SortStableFunc(fs, func(a, b Feature) int {
		if c := cmp.Compare(b.Verdict, a.Verdict); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// columnDrift compares one column; cc is nil when cur lacks it.
func columnDrift(ref *profile.Profile, rc *profile.Column, cur *profile.Profile, cc *profile.Column, o Options) Feature {
	f := Feature{Name: rc.Name, Type: rc.Type.String(), Kind: driftKind(rc.Kind)}
	if cc == nil {
		f.Kind, f.Verdict = "missing", validate.VerdictAlert
		f.Notes = append(f.Notes, "column missing from the current data")
		return f
	}
	f.Nulls = nullDrift(ref.Rows, rc, cur.Rows, cc)
	switch {
	case driftKind(cc.Kind) != f.Kind, timeQuantity(rc.Type) != timeQuantity(cc.Type):
		f.Verdict = validate.VerdictAlert
		f.Notes = append(f.Notes, fmt.Sprintf("type changed from %s to %s", rc.Type, cc.Type))
		return f
	case rc.Moments != nil:
		f.Numeric = numericDrift(&f, rc, cc, o)
	case rc.TopK != nil:
		f.Categorical = categoricalDrift(&f, rc, cc, o)
	}
	f.Score = f.PSI
	f.Verdict = max(f.Verdict, o.psiVerdict(f.PSI), o.nullVerdict(f.Nulls.Change))
	return f
}

// driftKind groups column kinds that compare with each other.
func driftKind(k profile.Kind) string {
	switch k {
	case profile.KindInt, profile.KindFloat:
		return "numeric"
	case profile.KindTemporal:
		return "temporal"
	case profile.KindString, profile.KindBinary, profile.KindBool:
		return "categorical"
	}
	return "other"
}

func nullDrift(refRows int64, rc *profile.Column, curRows int64, cc *profile.Column) Nulls {
	rate := func(c *profile.Column) float64 {
		if n := c.Count + c.Nulls; n > 0 {
			return float64(c.Nulls) / float64(n)
		}
		return 0
	}
	n := Nulls{Reference: rate(rc), Current: rate(cc)}
	n.Change = n.Current - n.Reference
	return n
}

func (o Options) psiVerdict(psi float64) validate.Verdict {
	switch {
	case psi >= o.PSIAlert:
		return validate.VerdictAlert
	case psi >= o.PSIWarn:
		return validate.VerdictWarn
	}
	return validate.VerdictOK
}

func (o Options) nullVerdict(change float64) validate.Verdict {
	d := max(change, -change)
	switch {
	case o.NullAlert > 0 && d >= o.NullAlert:
		return validate.VerdictAlert
	case o.NullWarn > 0 && d >= o.NullWarn:
		return validate.VerdictWarn
	}
	return validate.VerdictOK
}
