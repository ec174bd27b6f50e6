//go:build purego || !amd64

package model

var hasAVX512 = false

func fastSigmoids(y []float32) { fastSigmoidGo(y) }
