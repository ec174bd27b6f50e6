package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/refit-ml/refit/inspect"
)

// runInspectModel inspects a model file, when args name one: it reports
// whether they did.
func runInspectModel(w io.Writer, format string, args []string) (bool, error) {
	i := slices.IndexFunc(args, inspect.IsModelFile)
	if i < 0 {
		return false, nil
	}
	if len(args) > 1 {
		return true, fmt.Errorf("%s is a model file: inspect one model file, or data files", args[i])
	}
	mi, err := inspect.Model(args[0])
	if err != nil {
		return true, err
	}
	if format == "json" {
		return true, writeJSON(w, mi)
	}
	return true, mi.WriteText(w)
}
