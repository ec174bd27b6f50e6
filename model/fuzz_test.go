package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// FuzzDecode feeds arbitrary bytes to the decoder: it must return a model
// or an error wrapping ErrCorrupt, never panic; a model it accepts must
// encode back to the same bytes (so nothing was silently reinterpreted) and
// predict without error.
func FuzzDecode(f *testing.F) {
	rec0 := trainingRecord(f, 20, 5)
	for _, task := range tasks {
		m, _ := testModel(f, task, 3)
		f.Add(encode(f, m))
	}
	f.Add([]byte{})
	f.Add([]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecoded(t, rec0, b, DecodeBytes)
		// Again without the checksum, so mutations reach the structural
		// and semantic checks behind it.
		checkDecoded(t, rec0, b, decodeUnverified)
	})
}

func decodeUnverified(b []byte) (*Model, error) {
	if len(b) < 8 {
		return nil, corrupt("fuzz", errors.New("short"))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, corrupt("fuzz", errors.New("header length"))
	}
	return decode(b[8:8+n], b[8+n:], false)
}

func checkDecoded(t *testing.T, rec0 arrow.Record, b []byte, decoder func([]byte) (*Model, error)) {
	m, err := decoder(b)
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
	if _, err := decoder(buf.Bytes()); err != nil {
		t.Fatalf("re-encoded model does not decode: %v", err)
	}
	if _, err := m.Predict(rec0, nil); err != nil && !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("predict: %v", err)
	}
}
