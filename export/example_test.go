package export_test

import (
	"fmt"

	"github.com/refit-ml/refit/export"
)

func ExampleInputTypeOf() {
	for _, t := range []string{"int32", "float64", "float32"} {
		fmt.Println(t, "->", export.InputTypeOf(t))
	}
	// Output:
	// int32 -> int64
	// float64 -> double
	// float32 -> float
}
