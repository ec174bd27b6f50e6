// Package validate computes mergeable column profiles of Arrow data; later
// issues add expectations, drift and coverage on top of them.
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
//     [Moments] over finite values, a KLL [Quantiles] sketch (rank error
//     about 0.3 %, below 0.5 %), value counts and a distinct count;
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
// Quantiles: KLL (Karnin, Lang, Liberty 2016), hand-written because no
// maintained Go KLL is available; t-digest has no rank guarantee under heavy
// ties and DDSketch bounds relative value error, not rank error. Coins are
// derived from the sketch state and data, so runs are deterministic.
//
// Value counts ([TopK]): exact while a column has at most 4·Capacity distinct
// values (4096 by default), then a Misra-Gries summary for strings and
// binaries, or dropped for numbers (their distribution lives in the quantile
// sketch). String and binary values are kept up to [MaxKeptValue] bytes
// (counted by the hash of all their bytes). Distinct counts are exact while
// value counts are exact, then HyperLogLog with 2^16 registers ([Distinct],
// standard error 0.41 %).
//
// Histograms are not accumulated: equi-width and equal-mass (quantile) bins
// are derived from the quantile sketch by [Profile.Result], since one-pass
// histograms cannot know their range and do not merge. Bin counts are within
// the sketch's rank error.
//
// # Saving
//
// A Profile encodes with encoding/json (format [JSONVersion]) in full,
// sketches included, so drift checks compare new data with a saved reference
// profile alone; [DecodeProfile] loads one back to identical results.
//
// # Ownership, errors, concurrency
//
// Add reads the arrays only during the call; the caller keeps ownership and
// releases them. Errors wrap [ErrSchemaMismatch], [ErrUnsupported] or
// [ErrCorrupt]. A Profile is not safe for concurrent use; the package has no
// global mutable state. Library code does not panic on bad input.
package validate
