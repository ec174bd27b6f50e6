package model

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must return a model
// or an error wrapping ErrCorrupt, never panic; a model it accepts must
// encode back to the same bytes (so nothing was silently reinterpreted) and
// predict without error.
func FuzzDecode(f *testing.F) {
	var rec0 = trainingRecord(f, 20, 5)
	for _, task := range tasks {
		m, _ := testModel(f, task, 3)
		f.Add(encode(f, m))
	}
	f.Add([]byte{})
	f.Add([]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeBytes(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := m.Encode(&buf); err != nil {
			t.Fatalf("accepted model does not encode: %v", err)
		}
		if _, err := DecodeBytes(buf.Bytes()); err != nil {
			t.Fatalf("re-encoded model does not decode: %v", err)
		}
		if _, err := m.Predict(rec0, nil); err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("predict: %v", err)
		}
	})
}
