// Package optimize makes a trained float32 model smaller and faster while
// bounding the loss of quality: magnitude pruning (unstructured, gradual
// over fine-tuning epochs with the Zhu & Gupta polynomial schedule, or
// structured: whole hidden neurons removed and the layers physically
// shrunk), post-training int8 quantization (weights symmetric per output
// channel; inputs static from calibration rows, the users' default, or
// dynamic per batch) and
// an accuracy-aware search that backs off (lower sparsity, layers back to
// float) until the validation metric drops by at most MaxMetricDrop.
//
// The layers it produces are package model's Sparse and Int8Dense, so the
// result is a *model.Model like any other. Fine-tuning runs through
// train.FineTune (gorgonia); pruned weights stay exactly zero.
//
// Every function is deterministic given its inputs and Options.Seed.
// Errors wrap ErrInvalidInput for bad options or data.
package optimize
