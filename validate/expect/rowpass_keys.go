package expect

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// KeySet maps value hashes to the packed position of their first
// occurrence. It encodes as JSON compactly: one base64 string of
// little-endian (hash, position) pairs, 16 bytes each, in no particular
// order (encoding/json would write and sort millions of decimal keys).
type KeySet map[uint64]uint64

// MarshalJSON encodes the pairs as one base64 string.
func (k KeySet) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 16*len(k))
	for h, pos := range k {
		buf = binary.LittleEndian.AppendUint64(buf, h)
		buf = binary.LittleEndian.AppendUint64(buf, pos)
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(buf))
}

// UnmarshalJSON decodes what MarshalJSON writes.
func (k *KeySet) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("validate: key set: %w", err)
	}
	buf, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(buf)%16 != 0 {
		return fmt.Errorf("validate: key set: not base64 pairs of 16 bytes")
	}
	m := make(KeySet, len(buf)/16)
	for i := 0; i < len(buf); i += 16 {
		m[binary.LittleEndian.Uint64(buf[i:])] = binary.LittleEndian.Uint64(buf[i+8:])
	}
	*k = m
	return nil
}
