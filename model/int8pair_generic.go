//go:build purego || !amd64

package model

// hasPairKernel: no pair kernel on this build; the layers run one by one.
const hasPairKernel = false

func runPair(_, _ *Int8Dense, _ []uint8, _ int32, _ float32, _ []float32) {}
