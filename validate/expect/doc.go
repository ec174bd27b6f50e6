// Package expect checks data against expectations: a strict YAML file of
// checks, evaluated from a dataset's profile and, when needed, one row pass.
//
// An expectations file (YAML, decoded strictly by [Decode]; every
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
// Errors wrap [ErrInvalidExpectations]; the row pass does not panic on bad
// input and the package has no global mutable state.
package expect
