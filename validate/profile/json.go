package profile

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
)

// JSONVersion is the version of the saved profile format.
//
// Version 1: strings and binaries are keyed by xxh3-64 (seed 0) of their
// bytes; integers and times by their int64 value; floats by the bits of the
// float64 value (-0 as 0); HyperLogLog hashes are mix64 of those keys. The
// schema is an Arrow IPC stream holding only the schema.
const JSONVersion = 1

type profileJSON struct {
	Version int               `json:"version"`
	Rows    int64             `json:"rows"`
	Options Options           `json:"options"`
	Fields  []fieldJSON       `json:"fields"`
	Schema  []byte            `json:"schema_ipc"`
	Columns []json.RawMessage `json:"columns"`
}

// fieldJSON describes a column for people; schema_ipc is authoritative.
type fieldJSON struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// MarshalJSON encodes the full profile state, sketches included, so a saved
// reference can be compared and merged without the data.
func (p *Profile) MarshalJSON() ([]byte, error) {
	schema, err := encodeSchema(p.Schema)
	if err != nil {
		return nil, err
	}
	out := profileJSON{Version: JSONVersion, Rows: p.Rows, Options: p.Options, Schema: schema}
	for _, c := range p.Columns {
		out.Fields = append(out.Fields, fieldJSON{c.Name, c.Type.String()})
		raw, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("validate: encoding column %q: %w", c.Name, err)
		}
		out.Columns = append(out.Columns, raw)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes a profile written by MarshalJSON. Malformed input
// returns an error wrapping ErrCorrupt.
func (p *Profile) UnmarshalJSON(data []byte) error {
	var in profileJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("validate: decoding profile: %w: %w", ErrCorrupt, err)
	}
	if in.Version != JSONVersion {
		return fmt.Errorf("validate: decoding profile: version %d, want %d: %w", in.Version, JSONVersion, ErrCorrupt)
	}
	schema, err := decodeSchema(in.Schema)
	if err != nil {
		return err
	}
	np := New(schema, in.Options)
	if len(in.Columns) != len(np.Columns) {
		return fmt.Errorf("validate: decoding profile: %d columns, schema has %d: %w", len(in.Columns), len(np.Columns), ErrCorrupt)
	}
	for i, c := range np.Columns {
		if err := c.decode(in.Columns[i]); err != nil {
			return err
		}
	}
	np.Rows = in.Rows
	*p = *np
	return nil
}

// decode fills a fresh column from its JSON and checks its invariants.
func (c *Column) decode(raw json.RawMessage) error {
	name := c.Name
	c.Calendar = nil // absent from profiles saved before calendars
	if err := json.Unmarshal(raw, c); err != nil {
		return fmt.Errorf("validate: decoding column %q: %w: %w", name, ErrCorrupt, err)
	}
	if err := c.check(name); err != nil {
		return fmt.Errorf("validate: decoding column %q: %w: %w", name, ErrCorrupt, err)
	}
	return nil
}

// check verifies that a decoded column is usable without panics.
func (c *Column) check(name string) error {
	if c.Name != name {
		return fmt.Errorf("name %q does not match the schema", c.Name)
	}
	if c.Count < 0 || c.Nulls < 0 {
		return fmt.Errorf("negative count")
	}
	fresh := NewColumn(c.Name, c.Type, Options{})
	if (c.Moments == nil) != (fresh.Moments == nil) || (c.Quantiles == nil) != (fresh.Quantiles == nil) ||
		(c.IntRange == nil) != (fresh.IntRange == nil) || (c.TopK == nil) != (fresh.TopK == nil) ||
		(c.Distinct == nil) != (fresh.Distinct == nil) || (c.Lengths == nil) != (fresh.Lengths == nil) {
		return fmt.Errorf("sections do not match kind %s", c.Kind)
	}
	if c.Calendar != nil {
		if err := c.Calendar.check(fresh.Calendar, c.Count); err != nil {
			return err
		}
	}
	if c.Quantiles != nil {
		if err := c.Quantiles.Check(); err != nil {
			return err
		}
	}
	if c.TopK != nil && c.TopK.Dropped && !c.Distinct.Materialized() {
		return fmt.Errorf("dropped value counts without a distinct sketch")
	}
	return nil
}

func encodeSchema(s *arrow.Schema) ([]byte, error) {
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s))
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("validate: encoding schema: %w", err)
	}
	return buf.Bytes(), nil
}

func decodeSchema(b []byte) (s *arrow.Schema, err error) {
	defer func() { // the IPC reader may panic on hostile bytes
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("validate: decoding schema: %v: %w", r, ErrCorrupt)
		}
	}()
	r, err := ipc.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("validate: decoding schema: %w: %w", ErrCorrupt, err)
	}
	defer r.Release()
	return r.Schema(), nil
}

// Decode decodes a profile saved with json.Marshal. Every decoding
// error, syntax errors included, wraps ErrCorrupt.
func Decode(data []byte) (*Profile, error) {
	p := &Profile{}
	if err := p.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return p, nil
}
