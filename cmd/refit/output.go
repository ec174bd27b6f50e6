package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// formatFlag adds --format (text or json) to cmd and checks it before the
// command runs, after the checks cmd already has (such as --config's).
func formatFlag(cmd *cobra.Command) *string {
	format := new(string)
	cmd.Flags().StringVar(format, "format", "text", "output format: text or json")
	next := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if next != nil {
			if err := next(cmd, args); err != nil {
				return err
			}
		}
		return checkFormat(*format, "text", "json")
	}
	return format
}

// writeOut writes v as indented JSON when format is json, else its text.
func writeOut(w io.Writer, format string, v any, text func(io.Writer) error) error {
	if format == "json" {
		return writeJSON(w, v)
	}
	return text(w)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func checkFormat(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return fmt.Errorf("--format %q: want %s", got, strings.Join(allowed, " or "))
}
