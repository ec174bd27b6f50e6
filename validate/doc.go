// Package validate computes mergeable column profiles of Arrow data and
// checks data against expectations; drift and coverage build on them.
//
// # Profiles
//
// A [Profile] holds one [ColumnProfile] per schema field. Each goroutine
// (for instance one per Parquet row group) builds its own partial profile
// with [NewProfile] and [Profile.Add]; the partials are combined with
// [Profile.Merge] in a fixed order, and [Profile.Result] turns the state into
// readable numbers. The profile of a concatenation equals the merge of the
// profiles of its parts: exactly for counts, nulls, NaN and ±Inf, zeros,
// negatives, extremes, exact integer and time ranges, string lengths and
// exact frequency counts; up to floating-point rounding for sum, mean and
// variance (merged with Chan et al.'s parallel algorithm); and within the
// stated error for sketches. Merge is commutative.
//
// What each column gets depends on its [Kind]:
//
//   - numbers (int8–64, uint8–64, float16/32/64, decimal128 as float64) and
//     times (date32/64, time32/64, timestamp, duration, as their raw int64):
//     [stats.Moments] over finite values, a KLL [stats.Quantiles] sketch
//     (rank error about 0.3 %, below 0.5 %), value counts and a distinct
//     count;
//   - strings, binaries and dictionary<string> (counted by value, not by
//     index): byte [Lengths], value counts, distinct count;
//   - booleans: true and false counts;
//   - nested types: count and nulls only.
//
// NaN and ±Inf are counted, not folded into min, max, moments or quantiles.
// Integers beyond ±2^53 lose precision in the float64 statistics; their
// exact range is kept in [IntRange].
//
// # Sketches
//
// The accumulators are package stats's (see its doc for their algorithms
// and errors); a column profile is made of them, and a whole profile is a
// stats.Combiner over records ([ProfileFn]), the contract Apache Beam's
// combiners share. Every pass over a dataset here (profiles, the row pass
// of expectations, coverage counts) runs one accumulator per part in
// parallel and merges them in part order with stats.Ordered.
//
// Value counts ([stats.TopK]): exact while a column has at most
// Options.ExactLimit distinct strings or binaries (131,072 by default,
// about 13 MiB for short values) or Options.NumericExactLimit distinct
// numbers or times (16,384), then a Misra-Gries summary of the
// TopKCapacity most frequent values for strings and binaries, or dropped
// for numbers (their distribution lives in the quantile sketch). String
// and binary values are kept up to [stats.MaxKeptValue] bytes (counted by
// the hash of all their bytes). Distinct counts are exact while value
// counts are exact, then HyperLogLog with 2^16 registers ([stats.Distinct],
// standard error 0.41 %), never above the number of values.
//
// Exact when cheap: while a numeric or time column's value counts are
// exact, [ColumnProfile.SortedView] builds its distribution from them, so
// its quantiles, histograms and drift metrics are exact and do not depend
// on how the rows were split into files, row groups or batches; beyond,
// the quantile sketch answers and every figure states its error
// (NumericResult.RankError, NumericDrift.KSError and WassersteinError).
//
// Histograms are not accumulated: readable bins (equal-width, or log or
// tail bins for skewed columns, see stats.SortedView.Readable) and
// equal-mass (quantile) bins are derived from the column's sorted view by
// [Profile.Result], since one-pass histograms cannot know their range and
// do not merge. Bin counts are exact or within the sketch's rank error.
//
// # Saving
//
// A Profile encodes with encoding/json (format [JSONVersion]) in full,
// sketches included, so drift checks compare new data with a saved reference
// profile alone; [DecodeProfile] loads one back to identical results.
//
// # Expectations
//
// An expectations file (YAML, decoded strictly by [DecodeExpectations]; every
// problem is reported at once with file, line and a fix) lists checks:
//
//	version: 1
//	severity: error                  # default of every check: error or warn
//	rows: {min: 1000, max: 5000000}
//	schema: {allow_extra_columns: false}
//	duplicate_rows: {max_fraction: 0.01}   # optional columns: [a, b] compares rows on them
//	columns:
//	  date:
//	    type: timestamp[us]          # Arrow's name of the type
//	    freshness: {max_age: 36h}    # against CheckOptions.Now, never the system clock
//	  delay:
//	    nulls: {max_fraction: 0.01}
//	    range: {min: -120, max: 1500, max_outside_fraction: 0}
//	  distance:
//	    negatives: {max_fraction: 0}  # values below zero
//	  origin:
//	    values: {allowed: [SEA, LAX], max_unseen_fraction: 0.05}
//	    pattern: {regex: '^[A-Z]{3}$', max_failing_fraction: 0, severity: warn}
//	  id:
//	    unique: {max_duplicate_fraction: 0}
//	rules:
//	  - {name: arrival_after_departure, expr: arrival >= departure, max_failing_fraction: 0}
//
// [Check] evaluates them against a dataset and its profile. Whatever the
// profile answers exactly costs nothing more; regexes, rules, uniqueness,
// duplicate rows, ranges whose extremes fall outside, inexact value counts
// and the example rows of failing checks share one extra parallel pass,
// made only when needed (partial results per part, merged in part order).
// Uniqueness and duplicate rows keep a set of 64-bit xxh3 hashes of the
// values, bounded by CheckOptions.MaxKeys. Each [Finding] names the check,
// column, severity, expected and observed, the failing count and fraction
// and the first failing rows (global row index, file and row in the file,
// and value), with the failing rows per file when several files have some.
//
// [Infer] proposes expectations the profiled data meets (see its doc for
// the margins); [Expectations.Encode] writes them as commented YAML.
//
// [InferReference] derives, instead, the checks a new batch must pass to
// be the same kind of data as a reference (a model's training rows), with
// limits from the reference's rates and the batch's size (exact binomial
// tests at a false-alarm rate alpha, see its doc): schema, null rates,
// ranges and sign, unseen categories, duplicate rows and the label's
// domain; [CheckLabelRate] compares a true/false label's positive rate.
//
// # Drift
//
// [Drift] compares a current profile with a reference profile from their
// sketches alone, so two saved profiles compare in milliseconds. Numeric
// and time columns get PSI over the reference's quantile bins (10 by
// default: edges at the reference quantiles i/10, the outer bins open to
// ±∞), PSI = Σ (c−r)·ln(c/r) with an empty share replaced by [PSIEpsilon]
// (1e-4, not renormalized); the Jensen–Shannon distance (base 2) of the same
// bins; the Kolmogorov–Smirnov statistic sup |F_ref − F_cur| over every
// value either sketch retains, with the asymptotic Kolmogorov p-value at
// n_eff = n·m/(n+m) only while n_eff ≤ 10,000; Wasserstein-1 ∫ |F_ref −
// F_cur| dx (in the column's unit; for time columns also in seconds, and
// shown as a duration by [FeatureDrift.WassersteinText]); and mean and std
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
// # Coverage
//
// [Coverage] counts, in one parallel pass over a dataset, the rows of
// configured slices (boolean expressions) and of automatic ones taken from
// a profile: each value of a column with at most 20 distinct values, the
// numeric tails beyond the reference's p1 and p99, and rows with any null;
// with the label rate of each when a label is configured. A slice with
// fewer than MinRows rows, or whose share fell by more than MaxShareDrop or
// rose by more than MaxShareRise of its reference share (and by more than
// three binomial standard errors, so sampling noise is not news), is a
// finding.
//
// # Ownership, errors, concurrency
//
// Add reads the arrays only during the call; the caller keeps ownership and
// releases them. Errors wrap [ErrSchemaMismatch], [ErrUnsupported] or
// [ErrCorrupt]. A Profile is not safe for concurrent use; the package has no
// global mutable state. Library code does not panic on bad input.
package validate
