package main

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/train"
)

// timeColumnOf is the column --validation-split time orders rows by:
// --time-column, or else the schema's only timestamp or date column. Other
// splits need none.
func (f trainFlags) timeColumnOf(s *arrow.Schema, split train.Split) (string, error) {
	if split != train.SplitTime {
		return f.timeColumn, nil
	}
	if f.timeColumn != "" {
		return f.timeColumn, nil
	}
	var found []string
	for _, fd := range s.Fields() {
		switch fd.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
			found = append(found, fd.Name)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("--validation-split time: the data has %d timestamp or date columns (%s): name one with --time-column",
			len(found), strings.Join(found, ", "))
	}
	return found[0], nil
}
