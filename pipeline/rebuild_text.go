package pipeline

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes what a rebuild of workspace ws's catalog restored, as
// `refit catalog rebuild` prints it.
func (r *Rebuilt) WriteText(w io.Writer, ws string) error {
	fmt.Fprintf(w, "rebuilt the catalog of %s\n", ws)
	fmt.Fprintf(w, "  versions  %s\n", orDash(strings.Join(r.Versions, ",")))
	for _, d := range r.Damaged {
		fmt.Fprintf(w, "  left out  %s\n", d)
	}
	fmt.Fprintf(w, "  runs      %d, %d processed files\n", r.Runs, r.Processed)
	_, err := fmt.Fprintf(w, "  champion  %s (%s)\n", orDash(r.Champion), orDash(r.ChampionFrom))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
