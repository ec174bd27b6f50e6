// Package estimate estimates a classifier's performance on rows whose
// labels are not known yet: confidence-based performance estimation
// (CBPE), the method NannyML introduced.
//
// A model's calibrated probability p of a row is the chance that the row's
// label is positive (binary) or is class k (multiclass). Summed over the
// rows, the calibrated probabilities give the expected confusion matrix
// at the model's decisions (the raw probability ≥ Options.Threshold, or
// the arg max): a row predicted positive adds p true positives and 1−p
// false positives; a row predicted negative p false negatives and 1−p
// true negatives. Accuracy, precision, recall and F1 follow from it.
// ROC AUC is the area under the expected ROC curve: rows sorted by the
// model's raw score, true- and false-positive rates cumulated from p and
// 1−p (tied scores move together), the area by trapezoids. Multiclass
// precision, recall, F1 and AUC are macro averages over the classes
// (one-vs-rest).
//
// The interval of each metric comes from the sample size: labels are
// drawn from the calibrated probabilities Options.Samples times (a seeded
// PCG), the realized metric of each draw computed at the same decisions
// and ranks, and the interval is the central Options.Level of those
// metrics. It is the spread the realized metric would have if the
// assumptions hold.
//
// # Assumptions
//
//   - No concept drift: P(label | features) on the new rows is what it was
//     on the holdout the calibrator was fitted on. Covariate shift (the
//     features' distribution moving) is what CBPE handles; a change in
//     how the label depends on the features is invisible to it, and the
//     estimate is then wrong by an amount nothing here can measure.
//   - A calibrator fitted on enough holdout rows (model.IsotonicMinRows
//     for isotonic regression), and calibration that holds on the regions
//     of feature space the new rows occupy.
//   - Enough rows per estimate: the interval widens as rows shrink, and
//     below MinRows Estimate says so in its warnings.
//
// The interval does not include the calibrator's own uncertainty (a
// finite holdout) nor any concept drift.
package estimate
