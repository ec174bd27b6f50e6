// Package onnx exports a refit model, preprocessing included, as an ONNX
// model that ONNX Runtime (or any runtime with the ai.onnx opset 17 and
// the ai.onnx.ml opset 3) runs without refit, and gives the same
// predictions as model.Model.Predict: the same bits up to the float32
// rounding of matrix products (measured: |Δp| ≤ 3e-7 on 502,222 flights
// rows with ONNX Runtime 1.30, float32 and int8; see BENCHMARKS.md).
//
// # Inputs
//
// One graph input per input column of the model, named as the column, in
// the model's column order, shape [N, 1]. These are the columns the model
// reads: a column a pipeline derives (data.derive in refit.yaml) is an
// input the caller computes.
//
//   - numeric: tensor(float) by default, or tensor(double) or
//     tensor(int64) (Options.Numeric; `refit export` picks int64 for
//     integer columns and double for float64 ones from the training
//     profile or a --data schema). Missing: NaN or ±Inf for float and
//     double, math.MinInt64 for int64.
//   - categorical: tensor(string); booleans as "false" and "true".
//     Missing: "" (the empty string). A model whose training data had the
//     empty string as a value cannot be exported (ErrUnsupported).
//   - timestamp: tensor(int64), microseconds since 1970-01-01 00:00:00 UTC.
//     For a naive timestamp column (no zone in training), that is the wall
//     clock as refit reads it: the value of an Arrow timestamp[us] column
//     without zone. For a column with a fixed zone ("UTC", "+05:30") the
//     graph adds the offset; zones with daylight saving time cannot be
//     exported (ErrUnsupported). Missing: math.MinInt64.
//   - date: tensor(int64), days since 1970-01-01 (Arrow date32). Missing:
//     math.MinInt64.
//
// Sentinels were chosen over extra "is missing" inputs so that a column
// stays one tensor: int64 and string tensors have no NaN, and
// math.MinInt64 (year −292,277) and "" are values real data does not
// hold; `refit export` fails rather than confuse "" with a category.
//
// # Preprocessing in the graph
//
// Each column becomes the features refit computes, in the same order (see
// package model):
//
//   - numeric: IsNaN/IsInf (or Equal to the sentinel), Where to impute the
//     median, Sub mean and Mul 1/std in float64, Cast to float, and the
//     0/1 missing indicator if the model has one;
//   - categorical: ai.onnx.ml LabelEncoder from the top categories to
//     0…k−1, "" to k+1 and anything else to k ("#other"): the index of
//     the one-hot with "#other" and "#missing";
//   - time and date: integer Mod (sign of the divisor) and Div give the
//     day, the time of day, the hour, the weekday ((days + 4) mod 7) and
//     the month (civil_from_days); a Gather from a table sends an hour,
//     weekday or month training never had, and a missing value, to an
//     index that encodes as all zeros, as in refit. Models of format
//     version 1 get their sin/cos encoding (Sin, Cos in float64).
//
// A one-hot is a Gather of rows of an identity matrix (with one more row
// of zeros) that EyeLike builds when the session loads: in ONNX Runtime a
// row copy is several times faster than Equal with every code or OneHot.
//
// The features are concatenated into one [N, NumFeatures] float tensor.
//
// # Layers
//
// Float32 layers (model.Dense, and model.Sparse with its pruned zeros
// stored as zeros) become Gemm (transB=1, refit's [out][in] weights) and
// Relu, Tanh, Sigmoid or Softmax.
//
// int8 layers (model.Int8Dense) compute refit's 7-bit input codes with
// refit's float32 operations (Mul by 1/scale, Add zero, Clip to 0…127)
// and a QuantizeLinear with scale 1 that rounds them to uint8, so the
// codes are refit's bit for bit. Statically quantized layers are then in
// QDQ form: DequantizeLinear of the codes with the layer's constant scale
// and zero point, DequantizeLinear of the int8 weights [out][in] with one
// scale per output channel (axis 0, zero point 0), Gemm, Add of the float
// bias, Max(y, 0) for a relu. ONNX Runtime fuses that into its QGemm int8
// kernel. Dynamically quantized layers take the scale and zero point from
// the range of each block of model.BlockRows rows, as refit does: the
// graph reduces each row, pads and reshapes the row ranges into blocks,
// reduces again and repeats the block's scale for its rows. Those scales
// are not constants, so no QDQ pattern fuses; the graph computes refit's
// formula instead: MatMulInteger of the codes and the transposed int8
// weights (ONNX Runtime's int8 kernel), minus zero·Σ weights in int32,
// Cast, times scale·weight scale, plus the bias. A row's output
// therefore depends on its block of 256 rows, as in refit: feed ONNX
// Runtime the same batches (or multiples of 256 rows from the same first
// row) to get refit's numbers.
//
// # Outputs
//
// Classifiers: "probabilities" [N, classes], in the order of the model's
// labels (binary: 1−p, p), and "label" [N], the class name (binary: the
// positive class where p ≥ 0.5, as `refit predict`; multiclass: the most
// probable class, ties to the first). Regression: "prediction" [N, 1],
// de-standardized. Input columns cannot have these names.
//
// # Metadata
//
// metadata_props hold refit.task, refit.labels and refit.features (JSON),
// refit.preprocessing (the model.Column list, JSON), refit.architecture,
// each lineage entry as refit.lineage.<key>, and Options.Metadata
// (`refit export` adds the registry's version, creation time, gate,
// metrics, model card and training window).
//
// # Errors and determinism
//
// Export wraps ErrInvalidInput for bad Options and ErrUnsupported for a
// model it cannot express; it does not panic. The same model and options
// give the same bytes: names are numbered in build order and the protobuf
// is marshalled deterministically.
//
// The protobuf types are generated from onnx.proto3 (ONNX 1.23) into
// internal/onnxpb; see its package doc to regenerate them.
package onnx
