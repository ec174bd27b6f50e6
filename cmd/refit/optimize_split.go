package main

import (
	"context"
	"fmt"
	"iter"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
)

// measureFraction is the tail of the --data rows that measures the metric
// when fine-tuning uses the rest.
const measureFraction = 0.1

// rowRange is the rows [From, To) of a source, in source order.
type rowRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func (r rowRange) String() string { return fmt.Sprintf("[%d, %d)", r.From, r.To) }

// optimizeSplit holds the --data rows of refit optimize, split in source
// order: fine-tuning takes the first 90 %, the metric is measured on the
// last 10 %, so no row is both and the measuring rows are not neighbours
// of rows the model was tuned on (rows of one day share weather, traffic
// and every other cause a label depends on). Without fine-tuning every row
// measures.
type optimizeSplit struct {
	fineTune, measure []arrow.Record
	rows, cut         int64
}

// readSplit reads the rows of src, retaining them, and splits them.
func readSplit(ctx context.Context, src func(context.Context) iter.Seq2[arrow.Record, error], fineTune bool) (*optimizeSplit, error) {
	var all []arrow.Record
	s := &optimizeSplit{}
	for rec, err := range src(ctx) {
		if err != nil {
			releaseAll(all)
			return nil, err
		}
		rec.Retain()
		all = append(all, rec)
		s.rows += rec.NumRows()
	}
	s.cut = 0
	if fineTune && s.rows >= 10 {
		s.cut = s.rows - int64(float64(s.rows)*measureFraction)
	}
	var at int64
	for _, rec := range all {
		n := rec.NumRows()
		switch {
		case at+n <= s.cut:
			rec.Retain()
			s.fineTune = append(s.fineTune, rec)
		case at >= s.cut:
			rec.Retain()
			s.measure = append(s.measure, rec)
		default:
			s.fineTune = append(s.fineTune, rec.NewSlice(0, s.cut-at))
			s.measure = append(s.measure, rec.NewSlice(s.cut-at, n))
		}
		at += n
	}
	releaseAll(all)
	return s, nil
}

// validation is the features and labels of the measuring rows.
func (s *optimizeSplit) validation(m *model.Model) (optimize.Validation, error) {
	var val optimize.Validation
	for _, rec := range s.measure {
		var err error
		if val, err = appendValidation(m, rec, val); err != nil {
			return val, err
		}
	}
	return val, nil
}

func (s *optimizeSplit) measureRows() rowRange { return rowRange{s.cut, s.rows} }

func (s *optimizeSplit) fineTuneRows() *rowRange {
	if s.cut == 0 {
		return nil
	}
	return &rowRange{0, s.cut}
}

func (s *optimizeSplit) release() {
	releaseAll(s.fineTune)
	releaseAll(s.measure)
}

func releaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
