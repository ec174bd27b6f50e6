//go:build race

package main

// raceEnabled: the race detector slows every call about tenfold, so the
// demo's wall-clock latency budget decides at random under it.
const raceEnabled = true
