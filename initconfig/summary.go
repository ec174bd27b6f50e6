package initconfig

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// WriteSummary tells what Write wrote into dir: the plan's label, features
// and time column, the checks of columns inferred from rows of data, and
// the commands to run next.
func (p *Plan) WriteSummary(w io.Writer, dir string, data []string, columns int, rows int64) error {
	cfgPath, expPath := filepath.Join(dir, ConfigFile), filepath.Join(dir, ExpectationsFile)
	fmt.Fprintf(w, "wrote %s: label %s, %d features, time column %s\n", cfgPath, p.Label, len(p.Features), p.TimeColumn)
	fmt.Fprintf(w, "wrote %s: checks of %d columns inferred from %s rows\n", expPath, columns, countText(rows))
	_, err := fmt.Fprintf(w, "next: refit audit %s --expect %s, then refit run --config %s\n", strings.Join(data, " "), expPath, cfgPath)
	return err
}
