// Package drift compares two profiles (package profile) from their
// sketches alone and grades each feature's change with a validate.Verdict.
//
// [Compare] compares a current profile with a reference profile from their
// sketches alone, so two saved profiles compare in milliseconds. Numeric
// and time columns get PSI over the reference's quantile bins (10 by
// default: edges at the reference quantiles i/10, the outer bins open to
// ±∞), PSI = Σ (c−r)·ln(c/r) with an empty share replaced by [PSIEpsilon]
// (1e-4, not renormalized); the Jensen–Shannon distance (base 2) of the same
// bins; the Kolmogorov–Smirnov statistic sup |F_ref − F_cur| over every
// value either sketch retains, with the asymptotic Kolmogorov p-value at
// n_eff = n·m/(n+m) only while n_eff ≤ 10,000; Wasserstein-1 ∫ |F_ref −
// F_cur| dx (in the column's unit; for time columns also in seconds, and
// shown as a duration by [Feature.WassersteinText]); and mean and std
// shift in reference std units. A time column whose unit differs between
// the two profiles (timestamp[ms] and timestamp[us], date32 and a
// timestamp) is compared in the reference's unit; instants, times of day
// and durations never compare with each other (a type change). Categorical
// columns get PSI, Jensen–Shannon and the chi-square test of homogeneity
// over value frequencies (every value of either side while both sides'
// counts are exact; else the 50 most frequent reference values and one
// other bin), and unseen and vanished values. Every column gets its
// null-rate change. Verdicts come from effect sizes, not p-values: PSI 0.1
// warns and 0.25 alerts by default, and so do null-rate changes of 0.05 and
// 0.2. While value counts are exact (and below 4096 values, where a
// sketch is exact) every number is exact (testdata/drift_golden.py and
// testdata/flights_drift.py check them against scipy); beyond, they are
// within the sketch's stated error bounds.
//
// Invalid options wrap validate.ErrInvalidOptions.
package drift
