package validate

import "slices"

// sortFloats sorts finite float64 values ascending.
func sortFloats(v []float64) { slices.Sort(v) }
