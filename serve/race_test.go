//go:build race

package serve

// raceEnabled: under the race detector sync.Pool drops a share of what it
// is given, on purpose, so pooled buffers are allocated again at random.
const raceEnabled = true
