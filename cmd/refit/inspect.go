package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/spf13/cobra"
)

func newInspectCmd(c *cli) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect PATH...",
		Short: "Describe datasets (schema, rows, row groups, codecs) or a model file",
		Long: `inspect describes datasets: format, schema, rows, row groups, codecs and
bytes of each file.

Given a model file (what 'refit train' writes, or models/<version>/
model.safetensors in a workspace; recognized by its header, whatever its
name), it describes the model instead: task, label and classes, each input
column with its encoding and what training learned of it, each layer with
its shape, activation, sparsity and storage (float32, or int8 with
per-channel scales and a dynamic or static input range), the lineage, and
the model card when the file sits in a registered version's folder.`,
		Example: `  refit inspect data/flights.parquet
  refit inspect model.refit
  refit inspect refit-workspace/models/v0004/model.safetensors --format json
  refit inspect 'data/**/*.parquet' --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if ok, err := runInspectModel(cmd.OutOrStdout(), format, args); ok {
				return err
			}
			ds, err := ingest.Open(cmd.Context(), args, c.ingestOptions())
			if err != nil {
				return err
			}
			if format == "json" {
				return writeInspectJSON(cmd.OutOrStdout(), ds)
			}
			return writeInspectText(cmd.OutOrStdout(), ds)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func checkFormat(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return fmt.Errorf("--format %q: want %s", got, strings.Join(allowed, " or "))
}

type inspectOutput struct {
	Rows     int64             `json:"rows"`
	Columns  []schemaColumn    `json:"columns"`
	Files    []ingest.FileInfo `json:"files"`
	Warnings []string          `json:"warnings,omitempty"`
}

type schemaColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
}

func writeInspectJSON(w io.Writer, ds *ingest.Dataset) error {
	out := inspectOutput{Rows: ds.NumRows(), Files: ds.Files(), Warnings: ds.Warnings()}
	for _, f := range ds.Schema().Fields() {
		out.Columns = append(out.Columns, schemaColumn{f.Name, f.Type.String(), f.Nullable})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeInspectText(w io.Writer, ds *ingest.Dataset) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, f := range ds.Files() {
		fmt.Fprintf(tw, "%s\n  format %s, %s, %s rows, %d %s", f.Path, f.Format, bytesText(f.Bytes), countText(f.Rows), f.Units, unitName(f.Format))
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
	if len(ds.Files()) > 1 {
		fmt.Fprintf(tw, "dataset: %d files, %s rows\n", len(ds.Files()), countText(ds.NumRows()))
		for _, f := range ds.Schema().Fields() {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Name, f.Type, yesNo(f.Nullable))
		}
	}
	for _, warn := range ds.Warnings() {
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
	return bytesText(c.CompressedBytes) + " / " + bytesText(c.UncompressedBytes)
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

func bytesText(n int64) string { return numfmt.Bytes(n) }
