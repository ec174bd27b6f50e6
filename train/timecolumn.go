package train

import "github.com/apache/arrow/go/v17/arrow"

// TimeColumns lists the schema's timestamp and date columns, in schema
// order: the candidates for Data.TimeColumn when the caller names none.
func TimeColumns(s *arrow.Schema) []string {
	var found []string
	for _, f := range s.Fields() {
		switch f.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
			found = append(found, f.Name)
		}
	}
	return found
}
