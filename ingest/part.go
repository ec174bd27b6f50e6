package ingest

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
)

// ReadPart decodes one part of the dataset (a row group, a record batch or
// a whole IPC stream; see [Dataset.Parts]) and calls fn with each of its
// records in order, adapted to the dataset schema and filtered by
// Options.Filter, under the same limits and hostile-file checks as Scan.
// It opens the part's file, reads only that part's pages and closes the
// file, so distributed workers can each read a few parts of a large file.
// The record is valid until fn returns; fn calls Retain to keep it. A
// part outside the dataset is an error wrapping ErrInvalidInput.
func (d *Dataset) ReadPart(ctx context.Context, p Part, fn func(arrow.Record) error) error {
	if p.File < 0 || p.File >= len(d.files) || p.Unit < 0 || p.Unit >= d.files[p.File].units {
		return fmt.Errorf("ingest: read part %d of file %d: %w: no such part", p.Unit, p.File, ErrInvalidInput)
	}
	p.Path = d.files[p.File].Path
	files := d.openers()
	defer files.closeAll()
	emit := d.filtered(func(_ Part, rec arrow.Record) error { return fn(rec) })
	if err := d.readPart(ctx, files, p, func(rec arrow.Record) error { return emit(p, rec) }); err != nil {
		return err
	}
	return ctx.Err()
}
