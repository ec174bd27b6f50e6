// Package rowtext writes arrow records as text: CSV with a header (RFC 4180
// quoting, nulls as empty fields) or JSON lines. Values are rendered the
// same way in both: floats in their shortest round-trip form, timestamps in
// RFC 3339 (naive ones without an offset), binary as hex, nested values as
// JSON.
package rowtext

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"

	"github.com/apache/arrow/go/v17/arrow"
)

// Writer writes records. Call Flush when done.
type Writer interface {
	Write(rec arrow.Record) error
	Flush() error
}

// New returns a writer of format "csv" or "jsonl" for records of schema.
func New(w io.Writer, format string, schema *arrow.Schema) (Writer, error) {
	switch format {
	case "csv":
		return newCSV(w, schema)
	case "jsonl", "json":
		return &jsonlWriter{w: bufio.NewWriterSize(w, 1<<16), schema: schema}, nil
	}
	return nil, fmt.Errorf("rowtext: unknown format %q (want csv or jsonl)", format)
}

type csvWriter struct {
	w      *csv.Writer
	fields []string
	buf    []byte
}

func newCSV(w io.Writer, schema *arrow.Schema) (*csvWriter, error) {
	c := &csvWriter{w: csv.NewWriter(w), fields: make([]string, schema.NumFields())}
	for i, f := range schema.Fields() {
		c.fields[i] = f.Name
	}
	if err := c.w.Write(c.fields); err != nil {
		return nil, fmt.Errorf("rowtext: writing header: %w", err)
	}
	return c, nil
}

func (c *csvWriter) Write(rec arrow.Record) error {
	for r := range int(rec.NumRows()) {
		for j, col := range rec.Columns() {
			if col.IsNull(r) {
				c.fields[j] = ""
				continue
			}
			c.buf, _ = appendValue(c.buf[:0], col, r)
			c.fields[j] = string(c.buf)
		}
		if err := c.w.Write(c.fields); err != nil {
			return fmt.Errorf("rowtext: %w", err)
		}
	}
	return nil
}

func (c *csvWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

type jsonlWriter struct {
	w      *bufio.Writer
	schema *arrow.Schema
	buf    []byte
}

func (j *jsonlWriter) Write(rec arrow.Record) error {
	for r := range int(rec.NumRows()) {
		j.buf = append(j.buf[:0], '{')
		for c, col := range rec.Columns() {
			if c > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = appendJSONString(j.buf, j.schema.Field(c).Name)
			j.buf = append(j.buf, ':')
			j.buf = appendJSONValue(j.buf, col, r)
		}
		j.buf = append(j.buf, '}', '\n')
		if _, err := j.w.Write(j.buf); err != nil {
			return fmt.Errorf("rowtext: %w", err)
		}
	}
	return nil
}

func (j *jsonlWriter) Flush() error { return j.w.Flush() }

func appendJSONValue(buf []byte, col arrow.Array, r int) []byte {
	if col.IsNull(r) {
		return append(buf, "null"...)
	}
	start := len(buf)
	buf, quote := appendValue(buf, col, r)
	if !quote {
		return buf
	}
	s := string(buf[start:])
	return appendJSONString(buf[:start], s)
}

func appendJSONString(buf []byte, s string) []byte {
	b, _ := json.Marshal(s) // marshalling a string cannot fail
	return append(buf, b...)
}

// WriteAll writes every record of recs to w in format (see New), through
// a 64 KiB buffer that it flushes at the end. It stops at the first error
// of recs or of w.
func WriteAll(w io.Writer, format string, schema *arrow.Schema, recs iter.Seq2[arrow.Record, error]) error {
	out := bufio.NewWriterSize(w, 1<<16)
	rw, err := New(out, format, schema)
	if err != nil {
		return err
	}
	for rec, err := range recs {
		if err != nil {
			return err
		}
		if err := rw.Write(rec); err != nil {
			return err
		}
	}
	if err := rw.Flush(); err != nil {
		return err
	}
	return out.Flush()
}
