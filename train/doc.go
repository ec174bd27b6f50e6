// Package train fits refit's models: it turns Arrow record batches into
// float32 feature matrices, trains a multilayer perceptron with gorgonia
// and returns a *model.Model. It owns no file format; model encodes the
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
//     Preprocessor.Transform builds the matrices column by column.
//  4. A gorgonia graph for one fixed-size minibatch (x·W + b, relu or tanh
//     between layers) is built once and run by one TapeMachine for every
//     step: the inputs are tensors over slices train fills in place, the
//     machine is Reset after each step, and the last partial batch is
//     padded with rows of weight 0. The loss is the row-weighted mean of
//     the binary cross-entropy on the logits (softplus(z) − y·z), the
//     softmax cross-entropy (LogSoftMax) or half the squared error, plus
//     L2/2·Σw² over the weights; gorgonia's Adam solver updates them.
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
// seed from the clock) and the minibatch order. The same data, config and
// seed give a model that encodes to the same bytes.
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
