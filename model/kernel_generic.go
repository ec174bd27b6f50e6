//go:build purego || !amd64

package model

func detectISA() isa { return isaGo }

func minmax(_ isa, x []float32) (lo, hi float32) { return minmaxGo(x) }

func quantize(_ isa, dst []uint8, x []float32, inv, zp float32) { quantizeGo(dst, x, inv, zp) }

func runTiles(_ isa, t *int8Tiles, lo, hi int) { t.goTiles(lo, hi) }

func int8GatherRows(c *gatherCall) { int8GatherGo(c) }

// hasGather4: no four-slot gather kernel on this build.
const hasGather4 = false
