package main

import (
	"context"
	"io"
	"iter"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/spf13/cobra"
)

// catData is the dataset cat reads: its rows filtered by --where, and the
// columns it shows (--columns, without the extra ones --where reads).
type catData struct {
	ds     *ingest.Dataset
	schema *arrow.Schema // the shown columns
}

// openCat opens the sources with the --columns projection, widened by the
// columns --where reads, and filters rows by --where.
func openCat(cmd *cobra.Command, c *cli, args []string, f catFlags) (*catData, error) {
	opts := c.ingestOptions()
	if f.limit > 0 && f.limit < 65536 && f.where == "" {
		opts.BatchSize = int(f.limit)
	}
	var shown []string
	if f.columns != "" {
		shown = strings.Split(f.columns, ",")
	}
	where, err := compileWhere(cmd.Context(), args, opts, f.where)
	if err != nil {
		return nil, err
	}
	opts.Filter = filterBy(where)
	if shown != nil {
		// The columns the expression reads come after the shown ones.
		opts.Columns = projection(shown, where)
	}
	ds, err := ingest.Open(cmd.Context(), args, opts)
	if err != nil {
		return nil, err
	}
	schema := ds.Schema()
	if shown != nil && len(shown) < schema.NumFields() {
		schema = arrow.NewSchema(schema.Fields()[:len(shown)], nil)
	}
	return &catData{ds: ds, schema: schema}, nil
}

// compileWhere compiles a --where expression against the whole schema of
// the sources (opened, footers only, for it); an empty one is nil.
func compileWhere(ctx context.Context, args []string, opts ingest.Options, src string) (*colexpr.Program, error) {
	if src == "" {
		return nil, nil
	}
	opts.Columns = nil
	all, err := ingest.Open(ctx, args, opts)
	if err != nil {
		return nil, err
	}
	where, err := colexpr.Compile(src, all.Schema())
	if err != nil {
		return nil, err
	}
	if err := where.MustBool(); err != nil {
		return nil, err
	}
	return where, nil
}

// filterBy is an ingest filter keeping the rows where is true; nil keeps
// every row.
func filterBy(where *colexpr.Program) func(arrow.Record) (arrow.Record, error) {
	if where == nil {
		return nil
	}
	return func(rec arrow.Record) (arrow.Record, error) { return colexpr.Filter(where, rec) }
}

// openWhere opens the sources keeping only the rows where src is true.
func openWhere(ctx context.Context, args []string, opts ingest.Options, src string) (*ingest.Dataset, error) {
	where, err := compileWhere(ctx, args, opts, src)
	if err != nil {
		return nil, err
	}
	opts.Filter = filterBy(where)
	if where != nil && opts.Columns != nil {
		opts.Columns = projection(opts.Columns, where)
	}
	return ingest.Open(ctx, args, opts)
}

// records yields the filtered rows with the shown columns, the first limit
// of them when limit is positive. A record is valid until the loop
// continues.
func (c *catData) records(ctx context.Context, limit int64) iter.Seq2[arrow.Record, error] {
	recs := c.ds.Records(ctx)
	if limit > 0 {
		recs = c.ds.Head(ctx, limit)
	}
	if c.schema.NumFields() == c.ds.Schema().NumFields() {
		return recs
	}
	return func(yield func(arrow.Record, error) bool) {
		for rec, err := range recs {
			if err != nil {
				yield(nil, err)
				return
			}
			cols := rec.Columns()[:c.schema.NumFields()]
			out := array.NewRecord(c.schema, cols, rec.NumRows())
			ok := yield(out, nil)
			out.Release()
			if !ok {
				return
			}
		}
	}
}

// writeCatParquet writes the rows to f.output as Parquet (ZSTD, with the
// Arrow schema stored), crash-safely: the file appears whole or not at all.
func writeCatParquet(cmd *cobra.Command, c *catData, f catFlags) error {
	return atomicfile.Write(f.output, 0o644, func(w io.Writer) error {
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithMaxRowGroupLength(128*1024))
		pw, err := pqarrow.NewFileWriter(c.schema, nopCloser{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			return err
		}
		for rec, err := range c.records(cmd.Context(), f.limit) {
			if err != nil {
				pw.Close()
				return err
			}
			if err := pw.WriteBuffered(rec); err != nil {
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
