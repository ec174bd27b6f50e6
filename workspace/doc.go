// Package workspace owns the layout of a refit workspace and the run
// record, for the pipeline that writes them and for the readers that do
// not run it (refit runs, refit serve, the dashboard).
//
// # Layout
//
// A workspace is one directory ([Dir]):
//
//	catalog.db        the registry's catalog (versions, aliases, runs, processed files)
//	models/<version>/ one folder per registered version: model, profile, evaluation, card
//	runs/<id>/        one folder per run: run.json (its [Record]), report.html, evidence
//	refit.lock        held while a run, a serve job or a catalog rebuild changes the workspace
//	tmp/              a run's temporary work, on the workspace's file system
//
// [Dir]'s path methods only build paths. The catalog and models/ are
// written by package registry, runs/ by package pipeline; [Dir.Lock]
// returns the lock they share, and [Dir.TryLock] takes it for a command.
//
// # Records
//
// A [Record] is everything one run did and decided, written as run.json
// when the run ends. [Dir.ReadRecord] reads one run's, [Dir.Records] every
// readable one in run order; [Dir.ListRuns] lists the catalog's runs with
// their outcomes, and [WriteRunsTable] and [Dir.WriteRun] print them as
// `refit runs` does. Records are plain JSON values: readers may
// keep and share them; nothing in them refers back to the workspace.
package workspace
