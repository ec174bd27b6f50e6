// Package rowsel opens datasets restricted to the rows where an expression
// (internal/colexpr) is true, reading the columns to show plus those the
// expression reads, and writes the selected rows to Parquet. It is the row
// selection of `refit cat --where` and `refit audit --where`.
package rowsel

import (
	"context"
	"io"
	"iter"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/internal/colexpr"
)

// Compile compiles the boolean expression where against the whole schema
// of sources (opened, footers only, for it, whatever opts.Columns says);
// an empty expression is nil.
func Compile(ctx context.Context, sources []string, opts ingest.Options, where string) (*colexpr.Program, error) {
	if where == "" {
		return nil, nil
	}
	opts.Columns = nil
	all, err := ingest.Open(ctx, sources, opts)
	if err != nil {
		return nil, err
	}
	prog, err := colexpr.Compile(where, all.Schema())
	if err != nil {
		return nil, err
	}
	if err := prog.MustBool(); err != nil {
		return nil, err
	}
	return prog, nil
}

// Filter is an ingest filter keeping the rows where prog is true; nil
// (keep every row) when prog is nil.
func Filter(prog *colexpr.Program) func(arrow.Record) (arrow.Record, error) {
	if prog == nil {
		return nil
	}
	return func(rec arrow.Record) (arrow.Record, error) { return colexpr.Filter(prog, rec) }
}

// Projection returns columns plus those prog reads, after them.
func Projection(columns []string, prog *colexpr.Program) []string {
	out := slices.Clone(columns)
	if prog != nil {
		for _, c := range prog.Columns() {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Open opens sources keeping only the rows where the expression where is
// true (all rows when it is empty), widening opts.Columns, when set, by the
// columns the expression reads.
func Open(ctx context.Context, sources []string, opts ingest.Options, where string) (*ingest.Dataset, error) {
	prog, err := Compile(ctx, sources, opts, where)
	if err != nil {
		return nil, err
	}
	opts.Filter = Filter(prog)
	if prog != nil && opts.Columns != nil {
		opts.Columns = Projection(opts.Columns, prog)
	}
	return ingest.Open(ctx, sources, opts)
}

// Selection is a dataset's rows where an expression is true, with the
// columns shown (without the extra ones the expression reads).
type Selection struct {
	ds     *ingest.Dataset
	schema *arrow.Schema // the shown columns
}

// Select opens sources as Open does, showing only the columns shown, in
// that order (all when nil).
func Select(ctx context.Context, sources []string, opts ingest.Options, where string, shown []string) (*Selection, error) {
	opts.Columns = shown
	ds, err := Open(ctx, sources, opts, where)
	if err != nil {
		return nil, err
	}
	schema := ds.Schema()
	if shown != nil && len(shown) < schema.NumFields() {
		// The columns the expression reads come after the shown ones.
		schema = arrow.NewSchema(schema.Fields()[:len(shown)], nil)
	}
	return &Selection{ds: ds, schema: schema}, nil
}

// Schema is the schema of the shown columns.
func (s *Selection) Schema() *arrow.Schema { return s.schema }

// Records yields the selected rows with the shown columns, only the first
// limit of them when limit is positive (then no more rows are decoded than
// they need). A record is valid until the loop continues.
func (s *Selection) Records(ctx context.Context, limit int64) iter.Seq2[arrow.Record, error] {
	recs := s.ds.Records(ctx)
	if limit > 0 {
		recs = s.ds.Head(ctx, limit)
	}
	if s.schema.NumFields() == s.ds.Schema().NumFields() {
		return recs
	}
	return func(yield func(arrow.Record, error) bool) {
		for rec, err := range recs {
			if err != nil {
				yield(nil, err)
				return
			}
			out := array.NewRecord(s.schema, rec.Columns()[:s.schema.NumFields()], rec.NumRows())
			ok := yield(out, nil)
			out.Release()
			if !ok {
				return
			}
		}
	}
}

// WriteParquet writes the selected rows (the first limit when positive) to
// path as Parquet (ZSTD, row groups of 128 Ki rows, the Arrow schema
// stored), crash-safely: the file appears whole or not at all.
func (s *Selection) WriteParquet(ctx context.Context, path string, limit int64) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithMaxRowGroupLength(128*1024))
		pw, err := pqarrow.NewFileWriter(s.schema, nopCloser{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return err
		}
		for rec, err := range s.Records(ctx, limit) {
			if err == nil {
				err = pw.WriteBuffered(rec)
			}
			if err != nil {
				pw.Close()
				return err
			}
		}
		return pw.Close()
	})
}

// nopCloser keeps the Parquet writer from closing atomicfile's writer.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
