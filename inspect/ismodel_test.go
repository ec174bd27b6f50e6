package inspect

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIsModelFileLongHeader checks a model file is recognized by its whole header,
// however long (a calibrator's curve can push the format entry past the
// first kilobytes), and other files are not.
func TestIsModelFileLongHeader(t *testing.T) {
	dir := t.TempDir()
	write := func(name, header string) string {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, append(b, header...), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	long := `{"__metadata__":{"calibration":"` + strings.Repeat("0.5,", 5000) + `","format":"refit.model"}}`
	for _, tc := range []struct {
		path string
		want bool
	}{
		{write("short.refit", `{"__metadata__":{"format":"refit.model"}}`), true},
		{write("long.refit", long), true},
		{write("other.safetensors", `{"__metadata__":{"format":"pt"}}`), false},
		{write("empty", ""), false},
		{filepath.Join(dir, "missing"), false},
	} {
		if got := IsModelFile(tc.path); got != tc.want {
			t.Errorf("IsModelFile(%s) = %v, want %v", filepath.Base(tc.path), got, tc.want)
		}
	}
}

func TestModelArg(t *testing.T) {
	dir := t.TempDir()
	// A model file cut after its header: recognized as one, and refused
	// when described.
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(`{"__metadata__":{"format":"refit.model"}}`)))
	m := filepath.Join(dir, "m.refit")
	if err := os.WriteFile(m, append(b, `{"__metadata__":{"format":"refit.model"}}`...), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "d.parquet")
	if err := os.WriteFile(data, []byte("PAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		paths   []string
		ok, err bool
	}{
		{"model", []string{m}, true, true},
		{"data", []string{data}, false, false},
		{"both", []string{data, m}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok, err := ModelArg(tc.paths)
			if ok != tc.ok || (err != nil) != tc.err {
				t.Errorf("ModelArg(%v) = %v, %v", tc.paths, ok, err)
			}
		})
	}
}
