// Package promotion is the manual way to the champion, beside the
// pipeline's automatic one: gate a candidate against the champion and its
// float parent on holdout data ([NewGate], `refit gate`), register a model
// file, with the gate's verdict or without one ([Register],
// [RegisterVerdict]), and move an alias ([Promote], [Rollback]) with the
// configuration's on_promote hooks, reporting the [Change].
//
// Verdicts are registered through pipeline.VerdictRequest, so a version
// registered by `refit gate --register` stores the metrics in the shape
// `refit run` stores them. Errors name the command-line flags they come
// from, since every caller is a command line.
package promotion
