// Package dashboard serves a read-only web UI over a refit workspace: the
// operator's view beside the per-run reports.
//
// [New] returns an http.Handler for one workspace directory (the folder
// with catalog.db, models/ and runs/). Every request opens the catalog
// (an existing one only) and reads it, reads the run records
// (runs/<id>/run.json) and answers with one server-rendered page:
//
//   - / and /runs: every run with its status, outcome and reasons,
//     filterable by outcome (?outcome=blocked-data), each linking to its
//     report (/runs/<id>/report);
//   - /models: the versions with their metrics, lineage (parent, data
//     fingerprint, training window) and gate verdict, the aliases and
//     their full history (who or what moved them and why), and a diff of
//     two versions (/models/diff?a=v0001&b=v0002);
//   - /trends: the champion's metric on new data over runs, each
//     feature's drift score over runs as a heatmap, row counts and null
//     rates over runs, with retrains and promotions marked;
//   - /backtest: a backtest's summary and periods, when the workspace has
//     one (Options.Backtest, else backtest.json in the workspace).
//
// Pages use the run report's stylesheet (report.Stylesheet), inline SVG
// charts and no script; nothing is fetched from elsewhere. Every value is
// escaped by html/template. The handler never writes to the workspace and
// keeps no state between requests, so it shows runs as they commit.
package dashboard
