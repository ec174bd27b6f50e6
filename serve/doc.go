// Package serve is the daemon behind `refit serve`: it runs the jobs of a
// pipeline configuration's schedules section, keeps what they did for
// /healthz and /metrics, and scores online with the workspace's champion.
//
// Its shape is Prometheus's rules.Manager: New builds a Server from a
// configuration, Start starts the schedules, Reload swaps in a new
// configuration (an invalid one keeps the current schedules), Handler is
// its HTTP API, Status what /healthz reports, and Stop stops the
// schedules and the champion's watcher and waits for them. main only parses
// flags, listens and forwards signals.
//
// # HTTP
//
//   - GET /healthz: the schedules' next fires and last results as JSON;
//     503 with status "failing" when the last Options.FailingRuns
//     scheduled runs all failed.
//   - GET /metrics: Prometheus text format. refit_runs_total has a zero
//     sample for every job and outcome from the start.
//   - With Options.Scoring, the Open Inference Protocol (KServe v2) REST
//     API: GET /v2/health/live, /v2/health/ready, /v2/models/{name}
//     (metadata: inputs, outputs, version), /v2/models/{name}/ready and
//     POST /v2/models/{name}/infer. {name} is "champion" or, with
//     ScoringOptions.AllVersions, a version id (v0003).
//   - Options.Extra, when set, answers every other path (mounted at "/"):
//     the read-only dashboard mounts there.
//
// # Scoring
//
// An infer request gives one input per model column, by name, with shape
// [N] or [N, 1]: numbers as FP64, FP32 or INT*; categories as BYTES (or
// BOOL); timestamps as INT64 microseconds since the epoch or BYTES in RFC
// 3339 (a naive column takes the wall clock as written); dates as INT32
// days or BYTES 2001-06-01. null is a missing value; NaN and infinities
// are refused. The response has the outputs of the model's ONNX export:
// classifiers "probabilities" [N, classes] (binary: 1−p, p) and "label"
// [N]; regression "prediction" [N]. A body of Content-Type
// application/vnd.apache.arrow.stream is an Arrow IPC stream with the
// model's columns (types as `refit predict` reads them); the answer is an
// Arrow stream of the predictions as `refit predict` writes them, one
// batch per request batch.
//
// A JSON body is read in one pass by a parser written for this protocol
// (no reflection), straight into per-column buffers that are pooled
// between requests and become the Arrow record the scorer reads; the
// answer is appended into a pooled buffer. The parser takes the bodies
// whose meaning is plain (one object; known keys once each, in their
// case; names without escapes); any other body, malformed ones included,
// goes to encoding/json, so its meaning and its error messages are
// encoding/json's. A fuzz test checks that both read every body the fast
// parser takes the same way.
//
// Every scoring response names the version that answered (model_version,
// and the Refit-Model-Version header). Bad requests get 400 and a JSON
// {"error": ...} naming the column and the problem: a missing column, a
// wrong type, a NaN, a body over ScoringOptions.MaxBodyBytes, a batch
// over MaxBatchRows. Decoding never panics (it is fuzzed); the Arrow
// decoder's panics are recovered as 400.
//
// The champion is polled every ScoringOptions.Poll (one indexed SELECT on
// the catalog); when the alias moves (a run's promotion, refit promote,
// refit rollback) the new version is loaded and verified beside the old
// one, then swapped in. A load that fails keeps the version in service.
//
// Options.Token, when set, is required as "Authorization: Bearer TOKEN"
// on every path but the health checks; CheckListen refuses an address
// beyond loopback without one.
//
// # Garbage collection
//
// Options.GCPercent and MemoryLimit, when set, tune the Go garbage
// collector for the whole process from Start to Stop (what GOGC and
// GOMEMLIMIT set), and Stop puts the previous settings back. They are
// off by default: a library does not change its process's collector
// unasked. Online scoring makes short-lived garbage on every request
// (net/http's and the client's besides the decoder's arrow headers), so a
// scoring server gains from a higher GCPercent, with MemoryLimit as the
// bound on the heap that buys.
//
// # Concurrency
//
// A Server is safe for concurrent use. The champion in service is one
// atomic pointer: a swap happens between two requests, and a request in
// flight finishes on the scorer it started with.
package serve
