package main

import (
	"fmt"

	"github.com/refit-ml/refit/optimize"
)

// rowRange is the rows [From, To) of a source, in source order.
type rowRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func (r rowRange) String() string { return fmt.Sprintf("[%d, %d)", r.From, r.To) }

// measureRows are the rows of --data that measured the metric.
func measureRows(s *optimize.Split) rowRange { return rowRange{s.Cut, s.Rows} }

// fineTuneRows are the rows of --data that fine-tuned the model, nil
// without fine-tuning.
func fineTuneRows(s *optimize.Split) *rowRange {
	if s.Cut == 0 {
		return nil
	}
	return &rowRange{0, s.Cut}
}
