// Package serve is the daemon behind `refit serve`: it runs the jobs of a
// pipeline configuration's schedules section, keeps what they did for
// /healthz and /metrics.
//
// Its shape is Prometheus's rules.Manager: New builds a Server from a
// configuration, Start starts the schedules, Reload swaps in a new
// configuration (an invalid one keeps the current schedules), Handler is
// its HTTP API, Status what /healthz reports, and Stop stops the
// schedules and waits for their jobs. main only parses
// flags, listens and forwards signals.
//
// # HTTP
//
//   - GET /healthz: the schedules' next fires and last results as JSON;
//     503 with status "failing" when the last Options.FailingRuns
//     scheduled runs all failed.
//   - GET /metrics: Prometheus text format. refit_runs_total has a zero
//     sample for every job and outcome from the start.
//   - Options.Extra, when set, answers every other path (mounted at "/"):
//     the integrator mounts the read-only dashboard there.
//
// # Concurrency
//
// A Server is safe for concurrent use.
package serve
