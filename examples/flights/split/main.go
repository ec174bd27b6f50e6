// Command split writes a Parquet or Arrow dataset as one Parquet file per
// calendar month of a time column, in Hive-style folders
// (OUT/month=2001-01/part-0.parquet), so refit can be replayed month by
// month as data would arrive:
//
//	go run ./examples/flights/split ../shared/datasets/flights-3m.parquet /tmp/flights/months
//	go run ./examples/flights/split -time date -from 2001-01 -to 2001-07 IN OUT
//
// Rows whose time is null or outside [-from, -to) are dropped and counted.
// Months are taken from the wall clock of the timestamps (naive ones as
// they are). Each file is ZSTD-compressed with the input's schema.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest"
)

func main() {
	timeCol := flag.String("time", "date", "time column")
	from := flag.String("from", "", "first month to keep, YYYY-MM (default: all)")
	to := flag.String("to", "", "first month not to keep, YYYY-MM (default: all)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: split [-time COL] [-from YYYY-MM] [-to YYYY-MM] INPUT... OUTDIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 2 {
		flag.Usage()
		os.Exit(2)
	}
	args := flag.Args()
	s := &splitter{out: args[len(args)-1], timeCol: *timeCol, writers: map[string]*pqarrow.FileWriter{}, rows: map[string]int64{}}
	var err error
	if s.from, err = parseMonth(*from); err == nil {
		s.to, err = parseMonth(*to)
	}
	if err == nil {
		err = s.run(context.Background(), args[:len(args)-1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "split:", err)
		os.Exit(1)
	}
}

func parseMonth(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return t, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return t, nil
}

// splitter routes runs of rows of the same month to that month's writer.
type splitter struct {
	out, timeCol string
	from, to     time.Time
	writers      map[string]*pqarrow.FileWriter
	files        []*os.File
	rows         map[string]int64
	dropped      int64
}

func (s *splitter) run(ctx context.Context, inputs []string) error {
	ds, err := ingest.Open(ctx, inputs, ingest.Options{})
	if err != nil {
		return err
	}
	idx := ds.Schema().FieldIndices(s.timeCol)
	if len(idx) != 1 {
		return fmt.Errorf("no time column %q in %v", s.timeCol, inputs)
	}
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			return err
		}
		if err := s.add(rec, idx[0]); err != nil {
			return err
		}
	}
	return s.close()
}

// add writes rec's rows, one slice per run of equal months.
func (s *splitter) add(rec arrow.Record, col int) error {
	months, err := monthsOf(rec.Column(col))
	if err != nil {
		return err
	}
	start := 0
	for i := 1; i <= len(months); i++ {
		if i < len(months) && months[i] == months[start] {
			continue
		}
		if err := s.write(rec, months[start], start, i); err != nil {
			return err
		}
		start = i
	}
	return nil
}

func (s *splitter) write(rec arrow.Record, month time.Time, lo, hi int) error {
	if month.IsZero() || (!s.from.IsZero() && month.Before(s.from)) || (!s.to.IsZero() && !month.Before(s.to)) {
		s.dropped += int64(hi - lo)
		return nil
	}
	key := month.Format("2006-01")
	w, err := s.writer(key, rec.Schema())
	if err != nil {
		return err
	}
	part := rec.NewSlice(int64(lo), int64(hi))
	defer part.Release()
	s.rows[key] += int64(hi - lo)
	return w.WriteBuffered(part)
}

func (s *splitter) writer(key string, schema *arrow.Schema) (*pqarrow.FileWriter, error) {
	if w, ok := s.writers[key]; ok {
		return w, nil
	}
	dir := filepath.Join(s.out, "month="+key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "part-0.parquet"))
	if err != nil {
		return nil, err
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithMaxRowGroupLength(128*1024))
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		f.Close()
		return nil, err
	}
	s.writers[key], s.files = w, append(s.files, f)
	return w, nil
}

// close finishes every file and prints the row count of each month.
func (s *splitter) close() error {
	for key, w := range s.writers {
		if err := w.Close(); err != nil { // closes the file too
			return fmt.Errorf("month %s: %w", key, err)
		}
		fmt.Printf("month=%s  %d rows\n", key, s.rows[key])
	}
	if s.dropped > 0 {
		fmt.Printf("dropped %d rows with a null time or outside the months kept\n", s.dropped)
	}
	return nil
}

// monthsOf returns the first instant of each row's month (zero for nulls).
func monthsOf(arr arrow.Array) ([]time.Time, error) {
	out := make([]time.Time, arr.Len())
	var at func(i int) time.Time
	switch a := arr.(type) {
	case *array.Timestamp:
		toTime, err := a.DataType().(*arrow.TimestampType).GetToTimeFunc()
		if err != nil {
			return nil, err
		}
		at = func(i int) time.Time { return toTime(a.Value(i)) }
	case *array.Date32:
		at = func(i int) time.Time { return a.Value(i).ToTime() }
	default:
		return nil, fmt.Errorf("time column of type %s: want a timestamp or date32", arr.DataType())
	}
	for i := range out {
		if arr.IsValid(i) {
			t := at(i)
			out[i] = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
		}
	}
	return out, nil
}
