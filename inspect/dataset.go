package inspect

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/numfmt"
)

// DatasetInfo is what `refit inspect DATA...` shows: the dataset's
// schema and rows, and each file's layout.
type DatasetInfo struct {
	Rows     int64             `json:"rows"`
	Columns  []SchemaColumn    `json:"columns"`
	Files    []ingest.FileInfo `json:"files"`
	Warnings []string          `json:"warnings,omitempty"`
}

// SchemaColumn is one column of the dataset's schema.
type SchemaColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

// Dataset describes an opened dataset.
func Dataset(ds *ingest.Dataset) *DatasetInfo {
	out := &DatasetInfo{Rows: ds.NumRows(), Files: ds.Files(), Warnings: ds.Warnings()}
	for _, f := range ds.Schema().Fields() {
		out.Columns = append(out.Columns, SchemaColumn{f.Name, f.Type.String(), f.Nullable})
	}
	return out
}

// WriteText writes each file with its format, size, rows and a table of
// its columns' storage, then the dataset's schema when there are several
// files, then the warnings.
func (d *DatasetInfo) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, f := range d.Files {
		fmt.Fprintf(tw, "%s\n  format %s, %s, %s rows, %d %s", f.Path, f.Format, numfmt.Bytes(f.Bytes), countText(f.Rows), f.Units, unitName(f.Format))
		if f.CreatedBy != "" {
			fmt.Fprintf(tw, ", created by %s", f.CreatedBy)
		}
		fmt.Fprintln(tw, "\n  column\ttype\tnull\tstorage\tcodec\tencodings\tbytes\tnulls")
		for _, c := range f.Columns {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, c.Arrow, yesNo(c.Nullable),
				storageText(c), strings.Join(c.Codecs, ","), strings.Join(c.Encodings, ","),
				sizeText(c), countText(c.NullCount))
		}
		fmt.Fprintln(tw)
	}
	if len(d.Files) > 1 {
		fmt.Fprintf(tw, "dataset: %d files, %s rows\n", len(d.Files), countText(d.Rows))
		for _, c := range d.Columns {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Name, c.Type, yesNo(c.Nullable))
		}
	}
	for _, warn := range d.Warnings {
		fmt.Fprintf(tw, "warning: %s\n", warn)
	}
	return tw.Flush()
}

func unitName(format string) string {
	if format == ingest.FormatParquet.String() {
		return "row groups"
	}
	return "record batches"
}

func storageText(c ingest.ColumnInfo) string {
	if c.Physical == "" {
		return "-"
	}
	if c.Logical == "" {
		return c.Physical
	}
	return c.Physical + " " + c.Logical
}

func sizeText(c ingest.ColumnInfo) string {
	if c.CompressedBytes == 0 {
		return "-"
	}
	return numfmt.Bytes(c.CompressedBytes) + " / " + numfmt.Bytes(c.UncompressedBytes)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// countText is numfmt.Count, or "?" for an unknown (negative) count.
func countText(n int64) string {
	if n < 0 {
		return "?"
	}
	return numfmt.Count(n)
}
