package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// v1Record is the record of the version-1 fixture (testdata/README.md):
// distance, origin, a timestamp and a date32 column with nulls.
func v1Record(t testing.TB, rows int, seed uint64) arrow.Record {
	rec := trainingRecord(t, rows, seed)
	b := array.NewDate32Builder(mem)
	defer b.Release()
	ts := rec.Column(2).(*array.Timestamp)
	for i := range rows {
		if i%11 == 5 {
			b.AppendNull()
			continue
		}
		b.Append(arrow.Date32(int64(ts.Value(i)) / 86400))
	}
	return newRecord(t, col{"distance", retained(rec.Column(0))}, col{"origin", retained(rec.Column(1))},
		col{"date", retained(rec.Column(2))}, col{"day", b.NewArray()})
}

func retained(a arrow.Array) arrow.Array {
	a.Retain()
	return a
}

// v1Expected is testdata/v1_binary.expected.json.
type v1Expected struct {
	Predictions  []uint32 `json:"predictions"`
	Features     []uint32 `json:"features"`
	FeatureNames []string `json:"feature_names"`
}

func bitsOf(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = math.Float32bits(x)
	}
	return out
}

// A model file of format version 1, written before the one-hot calendar,
// still loads and gives the same features and predictions bit for bit,
// and keeps them when saved again (as version 2).
func TestDecodeVersion1(t *testing.T) {
	b, err := os.ReadFile("testdata/v1_binary.model")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/v1_binary.expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want v1Expected
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	m, err := DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := DecodeBytes(encode(t, m))
	if err != nil {
		t.Fatal(err)
	}
	rec := v1Record(t, 64, 2)
	for name, m := range map[string]*Model{"version 1 file": m, "saved again": again} {
		t.Run(name, func(t *testing.T) {
			pre := m.Preprocessor()
			if got := pre.FeatureNames(); !slices.Equal(got, want.FeatureNames) {
				t.Fatalf("features %q, want %q", got, want.FeatureNames)
			}
			for _, c := range pre.Columns() {
				if c.hasV2Fields() {
					t.Errorf("column %q gained version 2 fields: %+v", c.Name, c)
				}
			}
			x, err := pre.Transform(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(bitsOf(x), want.Features) {
				t.Error("features differ from version 1's")
			}
			pred, err := m.Predict(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(bitsOf(pred), want.Predictions) {
				t.Errorf("predictions differ from version 1's: %v", pred[:4])
			}
		})
	}
}

// resign rewrites the metadata of an encoded model with a valid checksum.
func resign(t *testing.T, b []byte, edit func(meta map[string]string)) []byte {
	t.Helper()
	n := binary.LittleEndian.Uint64(b)
	meta, tensors, err := parseHeader(b[8 : 8+n])
	if err != nil {
		t.Fatal(err)
	}
	edit(meta)
	data := b[8+n:]
	meta[checksumKey] = digest(meta, tensors, data)
	header, err := encodeHeader(meta, tensors)
	if err != nil {
		t.Fatal(err)
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(out, header...), data...)
}

func TestDecodeVersions(t *testing.T) {
	m, _ := testModel(t, TaskBinary, 4)
	b := encode(t, m)
	if !bytes.Contains(b, []byte(`"format_version":"2"`)) {
		t.Fatal("Encode does not write format version 2")
	}
	tests := []struct {
		name    string
		version string
		wantErr string
	}{
		{"current", "2", ""},
		{"newer", "3", `version "3", want "refit.model" version 1 to 2`},
		// A version 1 file cannot carry what version 2 added.
		{"version 1 with calendar", "1", `fields of format version 2 in a version 1 file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := resign(t, b, func(meta map[string]string) { meta["format_version"] = tt.version })
			_, err := DecodeBytes(c)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want ErrCorrupt with %q", err, tt.wantErr)
			}
		})
	}
}
