// Package pipeline runs refit's scheduled pass from new data to a promoted
// model, and loads refit.yaml.
//
// # One run
//
// [Run] takes a [Config] and a clock ([Options].Now) and goes through:
//
//  1. discover — the source's files not processed yet (by path, size and
//     modification time, recorded in the catalog). Nothing new ends the
//     run with outcome no-new-data, so a repeated run is idempotent.
//  2. validate — profile the new files, check them against the
//     expectations file or, without one, against checks inferred from the
//     champion's training rows for the columns the model reads (features,
//     the label's columns, the time column): types, null rates, ranges
//     and sign, unseen categories, duplicate rows, the label's domain and
//     positive rate (expect.InferReference, exact binomial tests sized
//     to the batch), and the batch's rows per day against the last runs;
//     error findings name their first rows (file:row). Then count
//     coverage slices. Any error finding stops the run (blocked-data): the
//     champion is untouched and the files stay unprocessed, so the next run
//     checks them again until they are fixed or replaced.
//  3. decide — retrain when there is no champion, when a feature's drift
//     against the champion's training profile alerts (PSI by default;
//     drift.confirm and drift.cooldown can hold it back), when the
//     champion's metric on the new labelled rows crosses the monitor
//     threshold, when that metric is worse than the champion's own holdout
//     metric by more than monitor.max_drop beyond the noise of both (the
//     champion has aged), when the training window now holds
//     train.window_growth times the data the champion was trained on (it
//     was trained while the window was filling), or when forced; otherwise
//     the outcome is kept. Each cause is recorded as a [Trigger] with its
//     evidence. The clock alone never retrains: the time column counts by
//     its hour and weekday, not by its range. With monitor.estimate: cbpe
//     the monitor decides on the champion's CBPE estimate (package
//     validate/estimate, from its calibrated probabilities) when fewer
//     than monitor.min_labelled of the new rows have labels, recording
//     estimate and realized metric side by side; pending labels are then
//     not checked in step 2. A drifting input of a calibrated champion
//     gets its estimated cost (Record.DriftCost, and a reason).
//  4. train — on the rows of the training window (train.window before the
//     clock) that have a label, except the most recent evaluate.holdout
//     fraction of them by the time column, which is the holdout.
//  5. optimize — prune and int8-quantize within optimize.max_metric_drop,
//     backing off when the metric drops too much.
//  6. evaluate — the candidate, its float parent and the champion on the
//     same holdout rows; the gates of evaluate.gates (or the default policy)
//     decide.
//  7. register — the candidate with its profile, evaluation and model card;
//     promoted to champion when every gate passed (promoted), kept out
//     otherwise (rejected, which blocks the run).
//
// The run then writes its report and record and commits: the promotion,
// the new files marked processed and the run's outcome in one catalog
// transaction (registry.CommitRun), which promotes only if the champion
// of record is still the one the candidate was gated against (an
// operator's rollback during the run makes the outcome champion-changed
// and leaves the files for the next run). A kill before the commit
// changes nothing but the "running" run row, which the next start closes
// ([Recover]: interrupted runs closed, their candidates abandoned, the
// temporary work under the workspace's tmp/ removed).
//
// Before any of it, [Preflight] checks the configuration against the
// data's schema (footers only): sources that match nothing and columns
// that do not exist fail at once with file:line and a "did you mean", and
// leave no run record. Files of the source that are not data are skipped
// and named (data.strict fails instead), and so are quarantined files
// (refit quarantine). A run with no new data records one catalog row and
// no folder; retention (keep_runs, max_age) removes old runs.
//
// Every stage's status ([StageStatus]), timing and notes, the reasons of
// the decision, the [Outcome] and every number go into a [Record], written
// as runs/<id>/run.json with a self-contained report.html (the record's
// type, the workspace's layout and reading records without running the
// pipeline belong to package workspace; [Record] forwards to it). The
// demo's generator and story are in package pipeline/demo. Errors wrapping
// [ErrBlocked] mean the run completed but data quality or gates stopped
// it; other errors mean it failed. [Audit] runs only the checks, without
// training.
//
// # Time
//
// The clock bounds every window: rows at or after it are not used. Naive
// (zone-less) timestamps are compared as wall clocks in UTC.
//
// By default a run's new data is files: those not processed yet. With
// [Options].NewSince it is a time span instead: the source's rows in
// [NewSince, Now), whatever files hold them (one big file or partitions
// alike), selected while reading (ingest.Options.Filter); the catalog's
// processed files are then neither read nor marked.
//
// # Policies
//
// [Options].Policy overrides the decision for the baselines of a
// backtest: [PolicyNever] trains only while there is no champion,
// [PolicyAlways] retrains on every batch of new data; both promote what
// they train whatever the gates say (the gates are still evaluated and
// recorded, and the promotion is recorded as forced). Every policy runs
// the data checks, so none trains on blocked data.
//
// # Backtest
//
// [Backtest] replays the pipeline over history on a simulated clock, once
// per policy, each in its own scratch workspace. For each period [t,
// t+every) it first scores each policy's champion at t (before that
// period's retrain) on the period's labelled rows: the metric the model
// in production would have had on that period, so no policy is scored on
// rows it trained on. Then it runs the pipeline at clock t+every with
// NewSince t. The first period has no champion to score. The summary
// compares the mean metric over the periods every policy was scored on,
// the retrains and the training time (train and optimize stages).
package pipeline
