package evaluate

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodePolicy: any input either decodes to a valid policy whose Check
// runs, or fails with ErrInvalidPolicy; it never panics.
func FuzzDecodePolicy(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodePolicy(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if !errors.Is(err, ErrInvalidPolicy) {
				t.Fatalf("error not classified: %v", err)
			}
			return
		}
		r := resultOf(0.8, 0.4)
		p.Check(r, &r, nil)
	})
}
