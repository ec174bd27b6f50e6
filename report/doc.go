// Package report renders results that other packages computed: the audit
// report as one self-contained HTML file (inline CSS and SVG, nothing
// fetched, no JavaScript) and a Markdown summary suited to a CI step summary
// (GitHub's $GITHUB_STEP_SUMMARY). It computes no statistics; it only lays
// out the structs it is given.
//
// # Data model
//
// An [Audit] holds the fixed parts of a data audit: the dataset, the
// verdict, the column profiles (one card each, with its histogram) and the
// findings. Later stages add optional parts as [Section] values (a drift
// table with overlaid histograms, a coverage table, a pipeline timeline):
// each renders its own HTML and Markdown and is placed after the findings,
// in order.
//
// [DriftSection] and [CoverageSection] are the sections `refit audit
// --reference --coverage` adds: the ranked drift table with each feature's
// reference and current distributions overlaid on the same bins (paired
// bars of the most frequent values for categorical features), and the
// slice table with its findings.
//
// A pipeline run has its own page: [WriteRunHTML] and [WriteRunMarkdown]
// render its record (a *workspace.Record) directly: header and outcome,
// a timeline of stages, decision, findings (and every check, passed ones
// too), the new data's profile, drift, coverage, the training curve, optimization before and
// after, the evaluation of every model and the gate table. The evaluation
// sets each binary model's accuracy beside the majority class's and the
// prevalence and its AUC beside chance, and draws its confusion matrix,
// ROC, precision-recall and reliability curves (from evaluate.Curves);
// the slice table gives each slice's rows, positives and AUC interval. A
// run blocked by data errors still shows the profile, drift and coverage
// measured up to the block.
//
// Numbers are for people: counts with separators, metrics to 4 digits,
// statistics to 4 significant digits; the run's JSON record keeps full
// precision. Every AUC says which rows it was measured on (validation,
// optimization's validation sample, holdout).
//
// A backtest has its own page and text: [WriteBacktestHTML] and
// [WriteBacktestText] render a [Backtest] (plain fields, converted by the
// pipeline): the summary per policy, a line chart of each policy's metric
// per period, and every period's metrics, training and decision.
//
// # Writing files
//
// [WriteFile] writes crash-safely: a temporary file in the same directory,
// fsync, close, rename over the target, fsync of the directory. A reader
// sees the old file or the new one, never a torn one.
//
// Templates use html/template, so every value (column names included) is
// escaped for its context.
package report
