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
// The interval of each metric has two parts. The sampling part comes
// from the sample size: labels are drawn from the calibrated
// probabilities Options.Samples times (a seeded PCG), the realized metric
// of each draw computed at the same decisions and ranks, and the sampling
// interval is the central Options.Level of those metrics: the spread the
// realized metric would have if the calibration held exactly. The shift
// part is the calibration shift the calibrator's own holdout showed
// (MeasureShift, stored with the calibrator as model.CalibrationShift):
// the holdout is cut into MinShiftChunks to MaxShiftChunks chunks of at
// least MinRows rows, consecutive by the time column (random rows
// without one), each chunk's metrics are estimated with a calibrator
// fitted on the other chunks and compared with its realized metrics, and
// the mean squared error beyond the chunks' sampling variance is the
// shift variance σ². The interval is the sampling half-widths and
// t·σ added in quadrature, t the Student quantile with chunks−1 degrees
// of freedom (σ is estimated from that many chunks). The chunk-level σ is
// used as it is for a period of any length: conservative when the
// label's dependence moves by short-lived episodes that a longer period
// averages, not when it trends beyond the holdout's span. Estimates from
// a calibrator without a shift (saved before refit measured it, or
// fitted on fewer than MinShiftChunks·MinRows rows) have the sampling
// part only, and say so in their warnings.
//
// # Assumptions
//
//   - Limited concept drift: P(label | features) on the new rows differs
//     from the holdout's by no more than it moved between the holdout's
//     own chunks. Covariate shift (the features' distribution moving) is
//     what CBPE handles; a change in how the label depends on the
//     features is invisible in the new rows, and the shift part of the
//     interval only covers changes of the size the holdout showed.
//   - A calibrator fitted on enough holdout rows (model.IsotonicMinRows
//     for isotonic regression), and calibration that holds on the regions
//     of feature space the new rows occupy.
//   - Enough rows per estimate: the interval widens as rows shrink, and
//     below MinRows Estimate says so in its warnings.
//
// The shift part includes the calibrator's own noise (each chunk's
// calibrator is fitted on a finite part of the holdout); without it, the
// interval includes neither that noise nor any concept drift.
package estimate
