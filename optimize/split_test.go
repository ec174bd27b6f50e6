package optimize

import (
	"context"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/train"
)

// seqRecords returns records of sizes rows each, numbering rows 0, 1, ….
func seqRecords(t *testing.T, sizes ...int) []arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var recs []arrow.Record
	var next int64
	for _, n := range sizes {
		b := array.NewInt64Builder(memory.NewGoAllocator())
		for range n {
			b.Append(next)
			next++
		}
		col := b.NewArray()
		recs = append(recs, array.NewRecord(schema, []arrow.Array{col}, int64(n)))
		col.Release()
	}
	t.Cleanup(func() { releaseAll(recs) })
	return recs
}

// firstAndLast are the first and last row numbers of recs, -1 when empty.
func firstAndLast(recs []arrow.Record) (first, last, rows int64) {
	first, last = -1, -1
	for _, r := range recs {
		v := r.Column(0).(*array.Int64).Int64Values()
		if len(v) == 0 {
			continue
		}
		if first < 0 {
			first = v[0]
		}
		last, rows = v[len(v)-1], rows+int64(len(v))
	}
	return first, last, rows
}

func TestReadSplit(t *testing.T) {
	tests := []struct {
		name     string
		sizes    []int
		fineTune bool
		cut      int64
	}{
		{"fine-tune takes the first 90%, across a record", []int{60, 40}, true, 90},
		{"cut on a record boundary", []int{45, 45, 10}, true, 90},
		{"no fine-tuning: every row measures", []int{60, 40}, false, 0},
		{"too few rows to split", []int{9}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadSplit(context.Background(), train.Records(seqRecords(t, tt.sizes...)...), tt.fineTune)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Release()
			var total int64
			for _, n := range tt.sizes {
				total += int64(n)
			}
			if s.Rows != total || s.Cut != tt.cut {
				t.Fatalf("rows %d cut %d, want %d and %d", s.Rows, s.Cut, total, tt.cut)
			}
			f0, f1, fn := firstAndLast(s.FineTune)
			m0, m1, mn := firstAndLast(s.Measure)
			if fn != tt.cut || mn != total-tt.cut || m0 != tt.cut || m1 != total-1 {
				t.Errorf("fine-tune rows %d..%d (%d), measure %d..%d (%d): want [0, %d) and [%d, %d)",
					f0, f1, fn, m0, m1, mn, tt.cut, tt.cut, total)
			}
			if fn > 0 && (f0 != 0 || f1 != tt.cut-1) {
				t.Errorf("fine-tune rows %d..%d, want 0..%d", f0, f1, tt.cut-1)
			}
		})
	}
}
