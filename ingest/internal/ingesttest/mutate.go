package ingesttest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// This file makes hostile variants (mutants) of valid seed files, the way
// the mutation campaign of issue 14 did: bit flips, truncation, zeroed,
// duplicated and deleted ranges anywhere or in the metadata, and integers
// of the metadata set to hostile values: sizes, counts, offsets and
// varints in Parquet page headers and footers, lengths and offsets in
// Arrow messages, blocks, buffers and field nodes. RunMutation runs
// them; each decoder's tests find the fields of its seeds.

// FieldEnc is how an integer field is stored.
type FieldEnc uint8

// The encodings of a Field.
const (
	EncZigzag  FieldEnc = iota // thrift i16, i32, i64: a zigzag varint
	EncUvarint                 // thrift sizes: a varint
	EncListHdr                 // a thrift list header: size in the high nibble, or 15 and a varint
	EncLE16                    // flatbuffer vtable entries
	EncLE32                    // flatbuffer offsets, vector counts, IPC lengths
	EncLE64                    // IPC lengths, offsets, counts
)

// Field is an integer of a seed worth corrupting.
type Field struct {
	At, End int // its bytes
	Enc     FieldEnc
	What    string
	// Fix, for a field whose new encoding has another length (a varint),
	// repairs the file around it: shifts the Parquet offsets after it, or
	// the footer length. nil when nothing needs repair.
	Fix func(data []byte, at, delta int) []byte
}

// Seed is a valid file with what the mutator knows of its layout.
type Seed struct {
	Name    string
	Data    []byte
	Fields  []Field
	Regions [][2]int // metadata: page headers, footers, IPC messages
}

// Mutant is one hostile variant of a seed.
type Mutant struct {
	Seed, Kind string
	Data       []byte
}

// mutationKinds are the ways to mutate, drawn with equal weight.
var mutationKinds = []string{
	"flip", "flip-meta", "byte-meta", "truncate", "truncate-meta",
	"zero", "zero-meta", "dup", "dup-meta", "delete", "delete-meta",
	"field", "field", "field", "field-relative", "varint-overlong",
}

// Mutate makes one mutant of s.
func (s *Seed) Mutate(rng *rand.Rand) Mutant {
	kind := mutationKinds[rng.IntN(len(mutationKinds))]
	if len(s.Fields) == 0 && (kind == "field" || kind == "field-relative" || kind == "varint-overlong") {
		kind = "flip-meta"
	}
	d := slices.Clone(s.Data)
	lo, hi := 0, len(d)
	if len(s.Regions) > 0 && len(kind) > 5 && kind[len(kind)-5:] == "-meta" {
		r := s.Regions[rng.IntN(len(s.Regions))]
		lo, hi = r[0], r[1]
	}
	switch kind {
	case "flip", "flip-meta":
		for range 1 + rng.IntN(4) {
			p := lo + rng.IntN(max(hi-lo, 1))
			d[p] ^= 1 << rng.IntN(8)
		}
	case "byte-meta":
		d[lo+rng.IntN(max(hi-lo, 1))] = []byte{0, 1, 0x7f, 0x80, 0xff}[rng.IntN(5)]
	case "truncate", "truncate-meta":
		d = d[:lo+rng.IntN(max(hi-lo, 1))]
	case "zero", "zero-meta", "dup", "dup-meta", "delete", "delete-meta":
		a, b := pickRange(rng, lo, hi)
		switch kind[:3] {
		case "zer":
			clear(d[a:b])
		case "dup":
			d = slices.Insert(d, b, slices.Clone(d[a:b])...)
		default:
			d = slices.Delete(d, a, b)
		}
	default:
		f := s.Fields[rng.IntN(len(s.Fields))]
		kind += ":" + f.What
		d = s.setField(d, f, kind, rng)
	}
	return Mutant{Seed: s.Name, Kind: kind, Data: d}
}

// pickRange picks a range inside [lo, hi): mostly short, sometimes up to
// 4 KiB.
func pickRange(rng *rand.Rand, lo, hi int) (int, int) {
	n := 1 + rng.IntN(16)
	if rng.IntN(4) == 0 {
		n = 1 + rng.IntN(4096)
	}
	a := lo + rng.IntN(max(hi-lo, 1))
	return a, max(a, min(a+n, hi))
}

// hostileInts are the values a corrupted integer takes.
var hostileInts = []int64{
	0, 1, -1, 2, 7, 8, 255, 256, 4096, math.MaxInt8, math.MaxInt16, math.MaxUint16,
	math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MaxUint32, 1 << 30, 1 << 40,
	math.MaxInt64, math.MinInt64, -8,
}

// setField sets field f of d to a hostile value; kind field-relative
// changes the value it has, varint-overlong writes a varint of 11 bytes.
func (s *Seed) setField(d []byte, f Field, kind string, rng *rand.Rand) []byte {
	old := readField(d, f)
	v := hostileInts[rng.IntN(len(hostileInts))]
	switch {
	case kind[:6] == "field-":
		v = []int64{old + 1, old - 1, old * 2, old * 1000, old + 8, old - 8, old + int64(len(d)), -old}[rng.IntN(8)]
	case rng.IntN(4) == 0:
		v = int64(len(d)) + int64(rng.IntN(3)) - 1
	}
	var enc []byte
	switch f.Enc {
	case EncLE16:
		binary.LittleEndian.PutUint16(d[f.At:], uint16(v))
		return d
	case EncLE32:
		binary.LittleEndian.PutUint32(d[f.At:], uint32(v))
		return d
	case EncLE64:
		binary.LittleEndian.PutUint64(d[f.At:], uint64(v))
		return d
	case EncZigzag:
		enc = binary.AppendUvarint(nil, uint64(v<<1^v>>63))
	case EncUvarint:
		enc = binary.AppendUvarint(nil, uint64(v))
	case EncListHdr:
		enc = binary.AppendUvarint([]byte{0xf0 | d[f.At]&0x0f}, uint64(v)&math.MaxUint32)
	}
	if kind[:6] == "varint" {
		enc = bytes.Repeat([]byte{0xff}, 11)
		if f.Enc == EncListHdr {
			enc = append([]byte{0xf0 | d[f.At]&0x0f}, enc...)
		}
	}
	delta := len(enc) - (f.End - f.At)
	out := slices.Concat(d[:f.At], enc, d[f.End:])
	if f.Fix != nil && delta != 0 {
		out = f.Fix(out, f.At, delta)
	}
	return out
}

// readField reads the value of f in d.
func readField(d []byte, f Field) int64 {
	switch f.Enc {
	case EncLE16:
		return int64(binary.LittleEndian.Uint16(d[f.At:]))
	case EncLE32:
		return int64(int32(binary.LittleEndian.Uint32(d[f.At:])))
	case EncLE64:
		return int64(binary.LittleEndian.Uint64(d[f.At:]))
	case EncListHdr:
		if d[f.At]>>4 != 15 {
			return int64(d[f.At] >> 4)
		}
		v, _ := binary.Uvarint(d[f.At+1 : f.End])
		return int64(v)
	}
	v, _ := binary.Uvarint(d[f.At:f.End])
	if f.Enc == EncZigzag {
		return int64(v>>1) ^ -int64(v&1)
	}
	return int64(v)
}

// Finish sorts the fields of s and drops duplicates; a decoder's tests
// call it after adding the fields of a seed.
func (s *Seed) Finish() {
	slices.SortFunc(s.Fields, func(a, b Field) int { return a.At - b.At })
	s.Fields = slices.CompactFunc(s.Fields, func(a, b Field) bool { return a.At == b.At && a.Enc == b.Enc })
}

// String describes a seed for test logs.
func (s *Seed) String() string {
	return fmt.Sprintf("%s (%d bytes, %d fields, %d regions)", s.Name, len(s.Data), len(s.Fields), len(s.Regions))
}

// SmallSharedFiles returns the files of the shared corpus (SharedDirOrEmpty)
// matching pattern, a path below it, that are at most 32 KiB: the corpus
// files small enough to seed a mutation campaign. None without the corpus.
func SmallSharedFiles(t testing.TB, pattern string) map[string][]byte {
	dir := SharedDirOrEmpty()
	if dir == "" {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	out := make(map[string][]byte)
	for _, path := range files {
		if st, err := os.Stat(path); err != nil || st.Size() > 32<<10 {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(path)] = data
	}
	return out
}

// SortSeeds sorts seeds by name, logs those without fields to mutate (and
// every one when verbose), and returns them.
func SortSeeds(t testing.TB, seeds []*Seed) []*Seed {
	slices.SortFunc(seeds, func(a, b *Seed) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range seeds {
		if len(s.Fields) == 0 || testing.Verbose() {
			t.Logf("seed %s", s)
		}
	}
	return seeds
}
