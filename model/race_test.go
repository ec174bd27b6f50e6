//go:build race

package model

// raceEnabled: the race detector makes sync.Pool drop items at random.
const raceEnabled = true
