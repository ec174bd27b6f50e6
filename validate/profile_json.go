package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

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
	np := NewProfile(schema, in.Options)
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
func (c *ColumnProfile) decode(raw json.RawMessage) error {
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
func (c *ColumnProfile) check(name string) error {
	if c.Name != name {
		return fmt.Errorf("name %q does not match the schema", c.Name)
	}
	if c.Count < 0 || c.Nulls < 0 {
		return fmt.Errorf("negative count")
	}
	fresh := NewColumnProfile(c.Name, c.Type, Options{})
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
		if err := c.Quantiles.check(); err != nil {
			return err
		}
	}
	if c.TopK != nil && c.TopK.Dropped && c.Distinct.Sketch == nil {
		return fmt.Errorf("dropped value counts without a distinct sketch")
	}
	return nil
}

// check verifies the sketch's weights and order.
func (q *Quantiles) check() error {
	if q.K < minLevelCap || q.K > 1<<20 || len(q.Levels) == 0 || len(q.Levels) > 62 {
		return fmt.Errorf("quantile sketch: bad k %d or %d levels", q.K, len(q.Levels))
	}
	var w int64
	for h, l := range q.Levels {
		for i, v := range l {
			if v-v != 0 || (h > 0 && i > 0 && l[i-1] > v) {
				return fmt.Errorf("quantile sketch: level %d unsorted or not finite", h)
			}
		}
		w += int64(len(l)) << h
	}
	if w != q.N || q.N < 0 {
		return fmt.Errorf("quantile sketch: weights sum to %d, n is %d", w, q.N)
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

type topKJSON struct {
	Capacity int         `json:"capacity"`
	N        int64       `json:"n"`
	Pruned   bool        `json:"pruned"`
	MaxError int64       `json:"max_error"`
	Dropped  bool        `json:"dropped"`
	Entries  []entryJSON `json:"entries"`
}

// entryJSON holds a value as text when it is valid UTF-8, else as base64.
type entryJSON struct {
	Key    uint64 `json:"key"`
	Count  int64  `json:"count"`
	Value  string `json:"value,omitempty"`
	Base64 []byte `json:"value_b64,omitempty"`
}

// MarshalJSON encodes every counter, sorted by count then key.
func (t *TopK) MarshalJSON() ([]byte, error) {
	out := topKJSON{Capacity: t.Capacity, N: t.N, Pruned: t.Pruned, MaxError: t.MaxError,
		Dropped: t.Dropped, Entries: []entryJSON{}}
	for _, e := range t.Entries() {
		j := entryJSON{Key: e.Key, Count: e.Count}
		if utf8.Valid(e.Value) {
			j.Value = string(e.Value)
		} else {
			j.Base64 = e.Value
		}
		out.Entries = append(out.Entries, j)
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes counters written by MarshalJSON.
func (t *TopK) UnmarshalJSON(data []byte) error {
	var in topKJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	if in.Capacity <= 0 {
		return fmt.Errorf("top-k capacity %d", in.Capacity)
	}
	*t = *NewTopK(in.Capacity)
	t.Pruned, t.MaxError, t.Dropped = in.Pruned, in.MaxError, in.Dropped
	for _, e := range in.Entries {
		if _, dup := t.index.get(e.Key); dup || e.Count <= 0 {
			return fmt.Errorf("top-k entry %d repeated or not positive", e.Key)
		}
		v := e.Base64
		if v == nil && e.Value != "" {
			v = []byte(e.Value)
		}
		t.addBytes(e.Key, v, e.Count)
	}
	t.N = in.N
	return nil
}

type distinctJSON struct {
	HLL []byte `json:"hll,omitempty"`
}

// MarshalJSON encodes the HyperLogLog registers (base64), if any.
func (d *Distinct) MarshalJSON() ([]byte, error) {
	var out distinctJSON
	if d.Sketch != nil {
		b, err := d.Sketch.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out.HLL = b
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes registers written by MarshalJSON.
func (d *Distinct) UnmarshalJSON(data []byte) error {
	var in distinctJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	d.Sketch = nil
	if in.HLL == nil {
		return nil
	}
	if err := d.materialize(func(func(uint64)) {}); err != nil {
		return err
	}
	return d.Sketch.UnmarshalBinary(in.HLL)
}

// DecodeProfile decodes a profile saved with json.Marshal. Every decoding
// error, syntax errors included, wraps ErrCorrupt.
func DecodeProfile(data []byte) (*Profile, error) {
	p := &Profile{}
	if err := p.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return p, nil
}
