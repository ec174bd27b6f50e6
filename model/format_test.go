package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func encode(t testing.TB, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, task := range tasks {
		t.Run(string(task), func(t *testing.T) {
			m, rec := testModel(t, task, 16, 8)
			b := encode(t, m)
			if !bytes.Equal(b, encode(t, m)) {
				t.Fatal("two encodings differ")
			}
			got, err := DecodeBytes(b)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(encode(t, got), b) {
				t.Fatal("decoded model encodes to different bytes")
			}
			want, err := m.Predict(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			pred, err := got.Predict(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			nearSlice(t, pred, want, 0)
			if got.Spec().Lineage["dataset"] != "test" || got.NumParams() != m.NumParams() {
				t.Fatalf("lineage %v, params %d", got.Spec().Lineage, got.NumParams())
			}
		})
	}
}

// The file is plain safetensors: a reader that knows nothing of refit finds
// the tensors and string metadata.
func TestSafetensorsLayout(t *testing.T) {
	m, _ := testModel(t, TaskBinary, 4)
	b := encode(t, m)
	n := binary.LittleEndian.Uint64(b)
	if (8+n)%8 != 0 {
		t.Errorf("data starts at %d, not 8-aligned", 8+n)
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	var w tensorInfo
	if err := json.Unmarshal(header["layers.0.weight"], &w); err != nil {
		t.Fatal(err)
	}
	if w.Dtype != "F32" || w.Shape[0] != 4 || w.Shape[1] != int64(m.Preprocessor().NumFeatures()) || w.Offsets[0] != 0 {
		t.Errorf("layers.0.weight = %+v", w)
	}
	var meta map[string]string
	if err := json.Unmarshal(header["__metadata__"], &meta); err != nil {
		t.Fatal(err)
	}
	if meta["task"] != "binary" || !strings.Contains(meta["preprocessing"], `"distance"`) || len(meta[checksumKey]) != 64 {
		t.Errorf("metadata %v", meta)
	}
}

func TestDecodeTampered(t *testing.T) {
	m, _ := testModel(t, TaskBinary, 4)
	b := encode(t, m)
	n := int(binary.LittleEndian.Uint64(b))
	at := func(s string) int { return bytes.Index(b[:8+n], []byte(s)) }
	tests := []struct {
		name string
		pos  int
		to   byte
		want error
	}{
		{"first tensor byte", 8 + n, b[8+n] ^ 1, ErrChecksum},
		{"last tensor byte", len(b) - 1, b[len(b)-1] ^ 0x80, ErrChecksum},
		{"metadata value", at(`\"median\":`) + 11, '9', ErrChecksum},
		{"label", at(`late`), 'L', ErrChecksum},
		{"header syntax", 8, '[', ErrCorrupt},
		{"header length", 0, 0xff, ErrCorrupt},
		{"dtype", at(`"F32"`) + 1, 'I', ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.pos < 0 {
				t.Fatal("tamper position not found")
			}
			c := bytes.Clone(b)
			c[tt.pos] = tt.to
			if c[tt.pos] == b[tt.pos] {
				t.Fatal("byte unchanged")
			}
			_, err := DecodeBytes(c)
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDecodeTruncated(t *testing.T) {
	m, _ := testModel(t, TaskMulticlass, 3)
	b := encode(t, m)
	for n := range len(b) {
		if _, err := DecodeBytes(b[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: got %v, want ErrCorrupt", n, len(b), err)
		}
		if _, err := Decode(bytes.NewReader(b[:n])); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("reading %d of %d bytes: got %v, want ErrCorrupt", n, len(b), err)
		}
	}
	if _, err := DecodeBytes(append(bytes.Clone(b), 0)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("trailing byte: got %v, want ErrCorrupt", err)
	}
}

func TestSaveLoad(t *testing.T) {
	m, rec := testModel(t, TaskRegression, 4)
	path := filepath.Join(t.TempDir(), "model.refit")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.Predict(rec, nil)
	pred, _ := got.Predict(rec, nil)
	nearSlice(t, pred, want, 0)
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 2 {
		t.Errorf("directory has %d entries, want the model and its checksum", len(entries))
	}

	sidecar, err := os.ReadFile(path + ChecksumSuffix)
	if err != nil || !strings.HasSuffix(string(sidecar), "  model.refit\n") {
		t.Fatalf("sidecar %q: %v", sidecar, err)
	}
	// A file rewritten without its sidecar (a consistent, valid model)
	// fails the sidecar check.
	other, _ := testModel(t, TaskRegression, 5)
	if err := os.WriteFile(path, encode(t, other), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrChecksum) {
		t.Fatalf("stale sidecar: got %v, want ErrChecksum", err)
	}
	// Without a sidecar, the file alone is a complete artifact: its
	// embedded checksum is verified (issue 14).
	os.Remove(path + ChecksumSuffix)
	alone, err := Load(path)
	if err != nil {
		t.Fatalf("model without a sidecar: %v", err)
	}
	wantOther, _ := other.Predict(rec, nil)
	pred, _ = alone.Predict(rec, nil)
	nearSlice(t, pred, wantOther, 0)
	b := encode(t, other)
	b[len(b)-1] ^= 1 // a tensor byte
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !errors.Is(err, ErrChecksum) {
		t.Fatalf("tampered model without a sidecar: got %v, want ErrChecksum", err)
	}
	// A missing model is reported as a missing model, not a checksum.
	missing := filepath.Join(t.TempDir(), "none.refit")
	if _, err := Load(missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "stat "+missing) {
		t.Fatalf("missing model: got %v", err)
	}
}
