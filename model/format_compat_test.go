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

// Model files of older format versions still load and give the same
// features and predictions bit for bit, and keep them when saved again
// (as the current version): version 1, written before the one-hot
// calendar, and version 2, which stored the feature names.
func TestDecodeOldVersions(t *testing.T) {
	for _, v := range []string{"v1", "v2"} {
		t.Run(v, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + v + "_binary.model")
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile("testdata/" + v + "_binary.expected.json")
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
			saved := encode(t, m)
			if len(saved) >= len(b) && v == "v2" {
				t.Errorf("saved again: %d bytes, version 2 file %d", len(saved), len(b))
			}
			again, err := DecodeBytes(saved)
			if err != nil {
				t.Fatal(err)
			}
			for name, m := range map[string]*Model{"old file": m, "saved again": again} {
				t.Run(name, func(t *testing.T) { checkExpected(t, m, want, v == "v1") })
			}
		})
	}
}

func checkExpected(t *testing.T, m *Model, want v1Expected, v1 bool) {
	rec := v1Record(t, 64, 2)
	pre := m.Preprocessor()
	if got := pre.FeatureNames(); !slices.Equal(got, want.FeatureNames) {
		t.Fatalf("features %q, want %q", got, want.FeatureNames)
	}
	for _, c := range pre.Columns() {
		if v1 && c.hasV2Fields() {
			t.Errorf("column %q gained version 2 fields: %+v", c.Name, c)
		}
	}
	x, err := pre.Transform(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(bitsOf(x), want.Features) {
		t.Error("features differ from the old version's")
	}
	pred, err := m.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(bitsOf(pred), want.Predictions) {
		t.Errorf("predictions differ from the old version's: %v", pred[:4])
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
	if !bytes.Contains(b, []byte(`"format_version":"3"`)) || bytes.Contains(b, []byte(`"features"`)) {
		t.Fatal("Encode does not write format version 3 without the feature names")
	}
	names, err := json.Marshal(m.Preprocessor().FeatureNames())
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := json.Marshal(append(m.Preprocessor().FeatureNames()[1:], "x"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		version  string
		features []byte // nil: no "features" entry
		wantErr  string
	}{
		{"current", "3", nil, ""},
		{"version 2 with names", "2", names, ""},
		{"newer", "4", nil, `version "4", want "refit.model" version 1 to 3`},
		{"version 2 without names", "2", nil, `metadata "features" missing`},
		{"version 2 with wrong names", "2", wrong, `feature names do not match the preprocessing`},
		{"version 3 with names", "3", names, `want exactly`},
		// A version 1 file cannot carry what version 2 added.
		{"version 1 with calendar", "1", names, `fields of format version 2 in a version 1 file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := resign(t, b, func(meta map[string]string) {
				meta["format_version"] = tt.version
				if tt.features != nil {
					meta[featuresKey] = string(tt.features)
				}
			})
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
