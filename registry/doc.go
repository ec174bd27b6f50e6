// Package registry stores model versions, aliases (champion, challenger) and
// the run catalog of a refit workspace, and promotes models atomically.
//
// # Workspace layout
//
//	<workspace>/
//	  catalog.db            SQLite (WAL): versions (with the run that
//	                        registered them and their state), artifacts,
//	                        aliases, alias_history, runs (status, outcome),
//	                        processed_files, schema_version
//	  models/<version>/     one folder per version with its artifact files
//	  models/.staging-*     registrations in progress (or orphaned by a crash)
//
// Version ids are "v" plus a zero-padded sequence number (v0001, v0002, ...):
// readable, dense, and ordered by registration. Run ids are "r000001", ....
// Times come from Options.Now, so tests are deterministic; they are stored as
// fixed-width UTC text, so string order is time order.
//
// # Crash safety
//
// The invariant is: a committed row never points at a missing or partial
// artifact, and an alias always points at a committed version.
//
//   - Register copies every file into a staging folder, hashing with SHA-256
//     while copying, fsyncs each file and the folder, and only then starts a
//     BEGIN IMMEDIATE transaction. Inside it (holding SQLite's write lock) it
//     picks the next id, renames the staging folder to models/<id>, fsyncs
//     models/, inserts the rows and commits. A crash before the commit leaves
//     an unreferenced folder: a staging folder or models/<id> with no row,
//     which the next registration of that id replaces while holding the
//     write lock. CleanOrphans removes both kinds.
//   - Promote and Rollback are one BEGIN IMMEDIATE transaction each that
//     reads the alias, updates it and appends to alias_history. SQLite's WAL
//     makes the transaction all or nothing across SIGKILL and power loss
//     (synchronous=FULL), so readers see the old or the new champion, never a
//     mix, and history always ends at the alias's current target.
//   - A pipeline run ends with CommitRun: one BEGIN IMMEDIATE transaction
//     that moves the champion (only if it still points at the version the
//     candidate was gated against: AliasMovedError otherwise), marks the
//     run's files processed, settles the states of the versions it
//     registered and records the run's status and outcome. A kill leaves
//     all of that or none of it, so a file is never processed twice by
//     runs that both promote.
//   - A run killed before its commit stays "running" with its candidate
//     "pending"; RecoverInterrupted, called at the next start under the
//     workspace lock, closes such runs as "interrupted" and their
//     candidates as "abandoned".
//   - Concurrent writers (goroutines or processes) are serialized by the
//     write lock taken at BEGIN (DSN _txlock=immediate) and wait up to
//     Options.BusyTimeout for it; reading the current target inside the same
//     transaction means no promotion is lost.
//   - Resolve and Verify re-hash the artifacts and return ErrCorrupt on any
//     mismatch; Check verifies a whole workspace.
//
// The tests SIGKILL a child process that registers and promotes in a loop at
// many points and check the catalog afterwards, SIGKILL a committing run
// after each of its fsyncs, renames and commits (internal/crashpoint) and
// check the commit is all or nothing, and run two processes that
// promote concurrently and check the history is an unbroken chain.
//
// # Errors
//
// Errors wrap ErrNotFound, ErrGateNotPassed, ErrCorrupt or ErrInvalidInput
// with context ("registry: promote v0003 to champion: ..."); test them with
// errors.Is. Nothing in the package panics on bad input.
//
// The registry does not decide anything: gate verdicts are computed by
// package evaluate and passed to Register.
package registry
