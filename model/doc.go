// Package model is refit's model artifact and its inference engine:
// preprocessing fitted on training data, a stack of layers, the task and
// label mapping, and the safetensors file that stores them.
//
// It does not train. Package train fits the weights (with gorgonia) and
// builds a Model with New; package optimize adds sparse and int8 layers
// that implement the same Layer interface. Nothing here imports gorgonia.
//
// # Preprocessing
//
// A Fitter accumulates statistics over a stream of arrow.Record batches in
// one pass and bounded memory; fitters over parts of a dataset Merge. Its
// Preprocessor expands each input column into float32 features:
//
//   - numeric (int*, uint*, float16/32/64, decimal128): missing values
//     (null, NaN, ±Inf) are imputed with the median of the present values,
//     then standardized with the mean and population standard deviation
//     computed after imputation (a constant column gets std 1). The median
//     comes from the deterministic, mergeable KLL sketch of package stats
//     with K = 4096 (exact below 16,384 values, the mean of the two middle
//     ones for an even count; beyond, the weighted lower median, rank
//     error about 0.08 %, measured 0.04 % at 3 million shuffled values in
//     5,552 stored values); the mean and variance are stats.Moments
//     (two-pass per chunk of 4096 values, merged with Chan's formula;
//     imputed values are folded in analytically, so no second pass is
//     needed). A 0/1 "#missing" indicator is added only for columns that
//     had a missing value in training: a column that was always present
//     gets none, and a missing value at prediction time is then just
//     imputed.
//   - categorical (string, large_string, dictionary<string>, bool): a
//     one-hot for the most frequent values (at most FitConfig.TopK, each
//     with at least FitConfig.MinCount training rows; ties broken by
//     value), then "#other" (rare and unseen values) and "#missing". The
//     other values training saw are listed as Column.Rare (up to
//     FitConfig.MaxRare), so that scoring can tell a rare value from one
//     training never saw. Values are counted by a stats.TopK, exactly up
//     to FitConfig.MaxDistinct distinct values.
//   - timestamp (any unit): one-hot hour of day (24) and day of week (7,
//     Sunday first) on the wall clock of the column's zone (a naive
//     timestamp is used as it is); date32/date64 get day of week only.
//     Month of year (12 one-hots) is added only when the training values
//     span at least MonthMinDays (365) calendar days: a shorter window
//     has seen only some months, and every later month would be one the
//     model never saw. Preprocessor.Notes says when it was left out. An
//     hour, weekday or month that training never had encodes as all
//     zeros. Batches must carry the zone seen in training. A "#missing"
//     indicator is added as for numeric columns. Models of format
//     version 1 (no Column.Calendar) keep their sin/cos encoding of hour
//     of day, day of week and month.
//
// Fitting records what training saw: the range of each numeric column,
// the categories and rare values, the calendar values. A RangeCounter
// (Preprocessor.NewRangeCounter, or Preprocessor.OutOfRange for one
// batch) counts per column the serving values outside it: numeric values
// beyond the training min/max, categories never seen, unseen hours,
// weekdays or months.
//
// FeatureNames lists the expanded columns. Transform writes a row-major
// rows×NumFeatures matrix, column by column, without per-row allocation;
// TransformSparse writes the same features as SparseRows, a fixed number
// of (feature, value) slots per row (one per one-hot group), without
// materializing the zeros.
//
// # Labels
//
// The label rules live here, once: ClassName names the class of a label
// value (strings as they are, booleans "false"/"true", numbers in shortest
// decimal form), which is how training names Spec.Labels; a Model's
// LabelEncoder turns label values back into class indexes (a binary model
// also takes true/false and 1/0) or, for regression, numbers, which is how
// evaluation and refit optimize read labels.
//
// # Inference
//
// Layers are applied in order; each Layer computes a batch of rows at a
// time. Dense is y = act(x·Wᵀ + b) with W row-major [out][in] (ONNX Gemm
// with transB=1, then Relu, Tanh, Sigmoid or Softmax). Its kernel sums
// every dot product in index order, so a row's prediction is bit-identical
// whatever batch it is in.
//
// When at most a quarter of the features are slots (one-hot columns
// dominate, as on flights: 5 slots of 482 features), a Predictor builds
// sparse rows and computes the first layer as a gather of weight rows
// (float32, sparse and int8 layers alike; package internal/gather and
// int8gather.go). The sums are the dense kernels' sums without their zero
// products, so the outputs are bit-identical to the dense path's
// (TestGatherMatchesDense); Forward, which takes dense features, keeps
// the dense first layer.
//
// A Predictor owns scratch buffers and processes a record 256 rows at a
// time; after the first batch it does not allocate. For a model built
// WithThreads(2), Predict shares large batches' blocks, preprocessing
// included, with one helper goroutine. Model.Predict uses a
// pool of Predictors. Output per row: binary, the probability of Labels[1];
// multiclass, one probability per class (see Argmax); regression, the
// value de-standardized with Spec.TargetMean and TargetStd.
//
// # Files
//
// Encode writes a safetensors file: an 8-byte little-endian header length;
// a JSON header, space-padded so the data starts 8-byte aligned, mapping
// "layers.<i>.weight" (F32, [out, in]) and "layers.<i>.bias" (F32, [out])
// to dtype, shape and data_offsets, plus "__metadata__" with string
// entries format ("refit.model"), format_version ("3"; "1" and "2" are
// still read), task, labels, target, architecture, preprocessing and
// lineage (JSON strings) and refit.sha256 (versions 1 and 2 also stored
// the expanded feature names, which the preprocessing derives), and
// optionally calibration (a classifier's Calibrator, see FitCalibrator;
// files without it load as models without one, and a model without one
// encodes as before); then the tensor bytes, in layer order. The
// encoding depends only on the Model (sorted keys, no clock), so the same
// model always gives the same bytes.
//
// refit.sha256 is the SHA-256 over every other metadata entry, the tensor
// table and the tensor bytes, so a flipped bit in the weights or in the
// preprocessing is caught: a model file is a complete artifact by itself,
// and loads wherever it is copied. Save also writes path+".sha256"
// (sha256sum format, over the whole file) for tools; Load checks it when
// it is there, so a model file replaced without its sidecar is refused,
// and needs only the file otherwise. Each file is written crash-safely
// (temporary file, fsync, rename, fsync of the directory).
//
// # Errors
//
// Decode and Load never panic on hostile input: a truncated, malformed or
// inconsistent file gives an error wrapping ErrCorrupt (the header length
// is bounded by 16 MiB and the file; offsets must tile the data exactly;
// dtypes and shapes must match the byte ranges and the architecture;
// metadata is decoded strictly: unknown keys fail, and so do duplicate
// keys in the header and the metadata), and a checksum mismatch wraps both
// ErrChecksum and ErrCorrupt. Bad arguments to New, NewDense,
// NewPreprocessor and Fit, and records that do not match the
// preprocessing, wrap ErrInvalidInput. No function panics on bad
// input; Layer.Forward trusts its caller for slice lengths.
//
// # Ownership and concurrency
//
// Model, Preprocessor and Layer values are immutable and safe for
// concurrent use; constructors copy the slices they are given, and
// accessors that return shared slices (Dense.Weights) say so. A Predictor
// and a Fitter belong to one goroutine. Records passed in are only read
// during the call; the caller keeps ownership and calls Release. Output
// slices passed as dst are reused when large enough and belong to the
// caller.
package model
