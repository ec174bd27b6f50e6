// Package train fits refit's models: it turns Arrow record batches into
// sparse float32 feature rows, trains a multilayer perceptron with
// gorgonia and returns a *model.Model. It owns no file format; model encodes the
// result, and no gorgonia type appears in this package's API.
//
// # Fitting
//
// [Fit] is the one entry point. It validates the [Config] (whose zero
// value is usable), reads [Data.Train] (and [Data.Validation], if given)
// once, holding the records until it has built the matrices:
//
//  1. The label column gives the targets: bool and string labels are
//     classes (sorted: "false" before "true", numbers in numeric order;
//     for binary tasks the second class is the positive one), numbers are
//     regression targets (standardized with the training rows' mean and
//     standard deviation, undone by the model) or classes when the task
//     says so. A missing label is an error.
//  2. Without a validation source, Config.ValidationFraction of the rows
//     is held out: at random (seeded), the tail in source order, or the
//     most recent rows by Data.TimeColumn.
//  3. model.Fitter fits the preprocessing on the training rows only;
//     Preprocessor.TransformSparse builds the rows column by column as
//     model.SparseRows: a fixed number of (feature, value) slots per row,
//     one per one-hot group, so a flights row of 482 features is 5 slots.
//  4. The first layer runs outside gorgonia on those rows: its output
//     z = x·W + b (relu applied when the next layer has one) is a gather
//     of the weight rows the slots name, and its gradient a scatter-add
//     of dL/dz into them (package internal/gather, AVX-512 or AVX2), the
//     zeros of the one-hot features never multiplied. The rest of the
//     network and the loss are a gorgonia graph for one fixed-size
//     minibatch, built once per shard (two halves of the batch from 64
//     rows on) and run by one TapeMachine each for every step, on both
//     cores when Config.Threads allows: the inputs are tensors over
//     slices train fills in place (z included), the machines are Reset
//     after each step, and the last partial batch is padded with rows of
//     weight 0. gorgonia computes the gradients of its parameters and of
//     z; the shards' gradients are summed in shard order. gorgonia's
//     float32 matrix products run on internal/gather's AVX-512 tiles
//     where the CPU has them (see routeGEMM). The loss is the
//     row-weighted mean of the binary cross-entropy on the logits
//     (softplus(z) − y·z), the softmax cross-entropy (LogSoftMax) or half
//     the squared error, plus L2/2·Σw² over the weights. gorgonia's Adam
//     solver updates the graph's parameters; the first layer's get the
//     same solver's arithmetic fused into one pass (adam), split between
//     the threads.
//  5. After each epoch the current weights become a model.Model, scored
//     on the validation rows through model's own inference path (so
//     validation numbers are exactly what the saved model predicts): the
//     unweighted mean loss and a metric (ROC AUC for binary, accuracy for
//     multiclass, RMSE in the label's units for regression). The weights
//     of the epoch with the lowest validation loss are kept; training
//     stops after Config.Patience epochs without an improvement larger
//     than Config.Tolerance. Config.Progress sees every epoch, including
//     the early-stopping decision.
//
// # Determinism
//
// Every random choice comes from rand.New(rand.NewPCG(Config.Seed, …)):
// the validation split, the initial weights (He uniform before a relu,
// Glorot uniform otherwise, drawn here because gorgonia's initializers
// seed from the clock) and the minibatch order. Every sum is formed in an
// order that depends only on the data and the batch size: threads split
// rows of the gather and outputs of the scatter-add, never one sum, and
// the shards are fixed by the batch size. The same data, config and seed
// give a model that encodes to the same bytes, whatever Config.Threads
// is (on one CPU kind: other kernels may round differently).
//
// # Errors and panics
//
// Configuration problems wrap [ErrInvalidConfig] (Validate lists every
// problem at once), unusable data wraps [ErrInvalidData] or the error of
// the source or of package model, a NaN or infinite loss wraps
// [ErrDiverged], and a cancelled ctx (checked between minibatches) gives
// ctx.Err(). gorgonia panics on shape errors: every call into it goes
// through one guard that turns a panic into an error. Fit does not panic.
//
// # Ownership
//
// Fit retains the records a Source yields while it builds the matrices
// and releases them before returning; the caller keeps ownership of its
// own references. Config.Progress runs on Fit's goroutine.
package train
