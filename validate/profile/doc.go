// Package profile computes mergeable column profiles of Arrow data: the
// statistics that validate's drift, expect and coverage packages build on.
//
// # Profiles
//
// A [Profile] holds one [Column] per schema field. Each goroutine
// (for instance one per Parquet row group) builds its own partial profile
// with [New] and [Profile.Add]; the partials are combined with
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
// stats.Combiner over records ([Fn]), the contract Apache Beam's
// combiners share. [Scan] profiles a dataset in one pass: one accumulator
// per part in parallel, merged in part order with stats.Ordered (the
// driver in validate/internal/parts, which the row pass of expectations
// and coverage counts share). [Part], [Fold], [ShardOf] and [ShardMerger]
// split the same work across processes.
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
// exact, [Column.SortedView] builds its distribution from them, so
// its quantiles, histograms and drift metrics are exact and do not depend
// on how the rows were split into files, row groups or batches; beyond,
// the quantile sketch answers and every figure states its error
// (NumericResult.RankError, drift's KSError and WassersteinError).
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
// profile alone; [Decode] loads one back to identical results.
//
// # Ownership, errors, concurrency
//
// Add reads the arrays only during the call; the caller keeps ownership and
// releases them. Errors wrap [ErrSchemaMismatch], [ErrUnsupported] or
// [ErrCorrupt]. A Profile is not safe for concurrent use; the package has no
// global mutable state. Library code does not panic on bad input. Error
// messages keep the "validate:" prefix of the tree they belong to.
package profile
