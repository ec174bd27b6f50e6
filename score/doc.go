// Package score scores Arrow records with a refit model: the embeddable
// scorer behind `refit predict` and the online scoring of `refit serve`.
//
// A Scorer wraps one model.Model (loaded from a model file, or a version
// or alias of a workspace's registry with Open) and turns records into
// probabilities, and labels for classifiers. It also counts, per input
// column, the values its model's training data never had (see
// model.ColumnOOR): the start of live monitoring.
//
// # Ownership and concurrency
//
// A Scorer is safe for concurrent use: Score takes a Predictor from the
// model's pool and adds its out-of-range counts to one of a few counters,
// each under its own mutex, so concurrent batches rarely wait for each
// other (OutOfRange sums them). Records passed to Score are only read
// during the call; the caller keeps them and calls Release. A Result
// belongs to the caller, who may pass it back to Score to reuse its
// slices. InputSchema is a schema Score accepts, made once per Scorer,
// for callers that build records per request.
//
// # Files
//
// WriteParquet scores a stream of records and writes the predictions as a
// Parquet file through internal/atomicfile: a temporary file in the
// target's directory, synced, renamed over the target (mode 0644), then
// the directory synced. On error the target is left as it was.
//
// # Errors
//
// Records that lack an input column or carry it with a type the model
// cannot read give an error wrapping model.ErrInvalidInput. Nothing here
// panics on bad input.
package score
