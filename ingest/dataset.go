package ingest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/base"
	"golang.org/x/sync/errgroup"
)

// Dataset is a set of files read as one table. Open it with Open; it holds
// no open files between scans, so it is cheap to keep.
type Dataset struct {
	opts     Options
	files    []*fileEntry
	schema   *arrow.Schema
	warnings []string
	skipped  []Skipped
}

// fileEntry is what Open learned about one file.
type fileEntry struct {
	File
	format Format
	names  []string // decoder column names, duplicates made unique
	schema *arrow.Schema
	rows   int64
	units  int
	info   FileInfo
	plan   filePlan
}

// Open discovers the files of sources, reads every file's metadata (in
// parallel), and unifies their schemas into one. Columns present in only
// some files are filled with nulls; types that differ must widen (see the
// package doc). An incompatible difference is an error naming both files and
// the column. No data pages are read.
func Open(ctx context.Context, sources []string, opts Options) (*Dataset, error) {
	opts = opts.withDefaults()
	found, err := Discover(ctx, sources...)
	if err != nil {
		return nil, err
	}
	found, skipped, err := SelectData(ctx, found, opts.Strict, opts.Exclude)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("ingest %s: %w: no data files (%d skipped)", strings.Join(sources, ", "), ErrInvalidInput, len(skipped))
	}
	files, err := probeAll(ctx, found, opts)
	if err != nil {
		return nil, err
	}
	d := &Dataset{opts: opts, files: files, skipped: skipped}
	for _, s := range skipped {
		if s.Reason != "excluded" {
			d.warnings = append(d.warnings, fmt.Sprintf("ingest %s: skipped: %s", s.Path, s.Reason))
		}
	}
	if err := d.unify(); err != nil {
		return nil, err
	}
	for _, w := range d.Warnings() {
		opts.Logger.Warn(w)
	}
	return d, nil
}

// Skipped lists the files the sources held that the dataset leaves out:
// not data (see SelectData) or excluded.
func (d *Dataset) Skipped() []Skipped { return slices.Clone(d.skipped) }

// Schema is the schema of every record the dataset yields.
func (d *Dataset) Schema() *arrow.Schema { return d.schema }

// Files describes each file, in scan order.
func (d *Dataset) Files() []FileInfo {
	out := make([]FileInfo, len(d.files))
	for i, f := range d.files {
		out[i] = f.info
	}
	return out
}

// NumRows is the total number of rows, or -1 when some file (an IPC
// stream) does not tell without being read.
func (d *Dataset) NumRows() int64 {
	var n int64
	for _, f := range d.files {
		if f.rows < 0 {
			return -1
		}
		n += f.rows
	}
	return n
}

// Warnings lists what was skipped or changed to read the files as one
// table, each line naming the file and column.
func (d *Dataset) Warnings() []string {
	var out []string
	for _, f := range d.files {
		for _, w := range f.info.Warnings {
			out = append(out, fmt.Sprintf("ingest %s: %s", f.Path, w))
		}
	}
	return append(out, d.warnings...)
}

func probeAll(ctx context.Context, found []File, opts Options) ([]*fileEntry, error) {
	files := make([]*fileEntry, len(found))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Parallelism)
	for i, f := range found {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			fe, err := probe(f, opts)
			files[i] = fe
			return err
		})
	}
	return files, g.Wait()
}

// probe opens one file, reads its metadata and closes it.
func probe(f File, opts Options) (*fileEntry, error) {
	fe := &fileEntry{File: f}
	h, err := openHandle(f, opts)
	if err != nil {
		return nil, err
	}
	defer h.close()
	fe.format = h.format
	err = base.Guard(f.Path, func() error {
		fe.schema = h.dec.Schema()
		fe.rows = h.dec.NumRows()
		fe.units = h.dec.NumUnits()
		fe.info = h.dec.Info()
		fe.info.Warnings = append(fe.info.Warnings, h.dec.Warnings()...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	fe.info.Path, fe.info.Format, fe.info.Bytes = f.Path, fe.format.String(), f.Size
	fe.names = uniqueNames(fe.schema, &fe.info.Warnings)
	return fe, nil
}

// uniqueNames returns the column names of s with repeats renamed name_1,
// name_2, ..., noting each rename in warnings.
func uniqueNames(s *arrow.Schema, warnings *[]string) []string {
	names := make([]string, s.NumFields())
	used := make(map[string]bool, len(names))
	for i, f := range s.Fields() {
		name := f.Name
		for k := 1; used[name]; k++ {
			name = fmt.Sprintf("%s_%d", f.Name, k)
		}
		if name != f.Name {
			*warnings = append(*warnings, fmt.Sprintf("column %q appears more than once; read as %q", f.Name, name))
		}
		used[name] = true
		names[i] = name
	}
	return names
}

// handle is one open file and its decoder.
type handle struct {
	f      *os.File
	format Format
	dec    decoder
}

type fileSource struct {
	*os.File
	size int64
}

func (s fileSource) Size() int64 { return s.size }

func openHandle(f File, opts Options) (*handle, error) {
	osf, err := os.Open(f.Path)
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w: %w", f.Path, ErrInvalidInput, err)
	}
	h := &handle{f: osf}
	src := fileSource{osf, f.Size}
	err = base.Guard(f.Path, func() error {
		var err error
		if h.format, err = DetectFormat(src, f.Size); err != nil {
			return err
		}
		h.dec, err = openDecoder(h.format, src, base.OpenConfig{Path: f.Path, Limits: opts.Limits, Mem: opts.Mem})
		return err
	})
	if err != nil {
		osf.Close()
		return nil, err
	}
	return h, nil
}

func (h *handle) close() error {
	err := base.Guard(h.f.Name(), h.dec.Close)
	if cerr := h.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("ingest %s: %w", h.f.Name(), cerr)
	}
	return err
}

// project narrows fields to opts.Columns, in that order.
func project(fields []arrow.Field, columns []string) ([]arrow.Field, error) {
	if len(columns) == 0 {
		return fields, nil
	}
	out := make([]arrow.Field, 0, len(columns))
	for _, c := range columns {
		i := slices.IndexFunc(fields, func(f arrow.Field) bool { return f.Name == c })
		if i < 0 {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.Name
			}
			return nil, fmt.Errorf("%w: no column %q (columns: %s)", ErrInvalidInput, c, strings.Join(names, ", "))
		}
		out = append(out, fields[i])
	}
	return out, nil
}
