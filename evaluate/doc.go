// Package evaluate computes model metrics and checks them against promotion
// gates.
//
// # Metrics
//
// Metrics work on plain slices: labels of any numeric type (Label) and
// float32 scores or probabilities, as model inference produces them; all
// arithmetic is float64. The functions never keep or modify their inputs.
//
//   - Binary (EvaluateBinary, ROCAUC, AveragePrecision, BinaryLogLoss,
//     BrierScore, ExpectedCalibrationError, ConfusionAt): labels 0/1, scores
//     the probability of class 1; a row is predicted positive when its score
//     is >= the threshold. ROC AUC is exact with ties (ties count ½, the
//     Mann-Whitney statistic); PR AUC is average precision as scikit-learn's
//     average_precision_score (no interpolation); log loss clips at
//     LogLossEps = 1e-15; ECE uses 10 equal-width bins as sklearn's
//     calibration_curve(strategy="uniform").
//   - Multiclass (EvaluateMulticlass): row-major probabilities, arg max
//     prediction, accuracy, macro and support-weighted F1, log loss.
//   - Regression (EvaluateRegression): RMSE, MAE, R², MAPE (a fraction).
//   - Bootstrap and BootstrapBinary: percentile confidence intervals from a
//     seeded PCG generator (math/rand/v2), so intervals are reproducible.
//
// Every value is checked against scikit-learn (testdata/golden.py writes
// testdata/golden.json; the tests agree to 1e-9). An undefined metric (the
// AUC of rows of one class, the average precision without positives) is NaN
// in the structs and absent from the Metrics() maps and Result, which keeps
// results JSON-encodable. Precision, recall and F1 with a zero denominator
// are 0, as sklearn's default.
//
// Evaluate bundles these into a Result for one model: overall metrics,
// metrics per Slice (row indices, e.g. from validate's slice expressions)
// with row counts, and the headline metric's bootstrap interval. Cost
// (the file's bytes and its tensors' bytes, parameters, latency, rows/s
// of the layers and end to end from Arrow) is measured through the model
// and filled in by the caller.
//
// With Options.Curves, a binary Result also carries Curves, what a report
// draws (BinaryCurves): the positives behind the prevalence and the
// majority-class baseline, the confusion matrix, the ROC and
// precision-recall curves (thinned to MaxCurvePoints) and the reliability
// bins of ECE; and each slice its positives and an AUC interval (Hanley
// and McNeil's 95% normal interval, cheap enough for every slice).
//
// # Gates
//
// A Policy is a list of Gate decoded strictly from YAML (DecodePolicy:
// unknown keys and wrong types fail; Validate reports every problem at once
// with file, line and column). Policy.Check runs every gate on a candidate
// Result against an optional champion and an optional float parent and
// returns a Verdict holding each gate's observed value, its interval,
// threshold, pass/fail and reason; gates never stop at the first failure.
// Gates relative to a missing champion or parent pass with the reason "no
// champion" ("no parent"); a gate on a metric or cost that was not
// measured fails. Changes are "drops" for metrics where higher is better
// and "rises" for the others (HigherIsBetter); the policy is rejected when
// it uses the wrong word.
//
// Compare is the one path from models and rows to a verdict, used by
// `refit gate` and by the pipeline: it scores candidate, champion and
// parent on the same rows, times them together, measures the paired
// bootstrap intervals the gates need and checks them (the rules are on
// Gate).
//
// # Noise
//
// Bootstrap intervals of gates resample rows by Poisson(1) counts (see
// resample.go): rank metrics scan rows sorted once, so a resample of n
// rows costs O(n). A paired AUC interval on 300,000 rows takes about 1.7 s
// of CPU with 1,000 resamples; beyond 100,000 rows gates use fewer by
// default (333 there, about 0.6 s). Timings are taken in samples of at
// least 50 µs of calls, the models in turns (MeasureCosts), because one
// batch-1 call of a small model lasts less than a microsecond, a few
// ticks of the timer.
//
// The models of a decision play a [Role]: the candidate, its float parent
// and the champion; gate reasons and paired evidence name them by it.
//
// Errors wrap ErrInvalidInput or ErrInvalidPolicy (policy problems are
// *yamlstrict.Error values at their file, line and column); label errors
// also wrap model.ErrInvalidInput; nothing panics on bad input.
package evaluate
