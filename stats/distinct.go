package stats

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math/bits"

	"github.com/axiomhq/hyperloglog"
)

// DistinctPrecision is the HyperLogLog precision of [Distinct]: 2^16
// registers, a standard error of 1.04/√65536 ≈ 0.41 %, so an estimate is
// within 2 % with overwhelming probability (about 5 standard errors).
const DistinctPrecision = 16

const (
	hllRegisters = 1 << DistinctPrecision
	// hllVersion and hllHeader describe the dense encoding of
	// github.com/axiomhq/hyperloglog (version 2): version, precision, a
	// zero bias byte, 0 for dense, the register count (uint32 big
	// endian), then one byte a register.
	hllVersion = 2
	hllHeader  = 8
)

// Distinct estimates the number of distinct values with HyperLogLog
// (2^16 one-byte registers; the LogLog-Beta estimator of
// github.com/axiomhq/hyperloglog). It is meant to be materialized only
// when an exact counter ([TopK]) overflows, seeded with that counter's
// keys; until then the counter's length is the exact distinct count.
//
// Values enter as 64-bit keys (see [TopK]) hashed with a fixed mixer, so
// sketches saved by one process merge with sketches built by another.
// Registers are updated here, a few instructions a key, and encode as
// that library's dense sketch, which also estimates and decodes older
// (sparse or 4-bit) encodings. The zero value is not materialized.
type Distinct struct {
	regs []uint8 // nil until materialized
}

// Materialized reports whether the sketch exists (Materialize was called
// or one was decoded).
func (d *Distinct) Materialized() bool { return d.regs != nil }

// Materialize creates the sketch, if there is none, and inserts keys.
func (d *Distinct) Materialize(keys iter.Seq[uint64]) error {
	if d.regs != nil {
		return nil
	}
	d.regs = make([]uint8, hllRegisters)
	for k := range keys {
		d.insert(k)
	}
	return nil
}

// register returns the register key k updates and the rank it offers:
// the top p bits of its mixed hash pick the register, the leading zeros
// of the rest, plus one, are the rank.
func register(k uint64) (i uint64, rank uint8) {
	h := mix64(k)
	return h >> (64 - DistinctPrecision), uint8(bits.LeadingZeros64(h<<DistinctPrecision|1<<(DistinctPrecision-1))) + 1
}

// insert adds key k to the registers.
func (d *Distinct) insert(k uint64) {
	if i, r := register(k); d.regs[i] < r {
		d.regs[i] = r
	}
}

// InsertKeys adds keys to a materialized sketch.
func (d *Distinct) InsertKeys(keys []uint64) {
	regs := d.regs[:hllRegisters]
	for _, k := range keys {
		if i, r := register(k); regs[i] < r {
			regs[i] = r
		}
	}
}

// Estimate returns the estimated distinct count, or 0 when not materialized.
func (d *Distinct) Estimate() int64 {
	if d.regs == nil {
		return 0
	}
	sk, err := hyperloglog.NewSketch(DistinctPrecision, false)
	if err == nil {
		err = sk.UnmarshalBinary(d.appendBinary(nil))
	}
	if err != nil {
		// Registers made here always decode: this is a bug.
		panic(fmt.Sprintf("stats: distinct sketch does not decode: %v", err))
	}
	return int64(sk.Estimate())
}

// Merge adds o's sketch; both must be materialized.
func (d *Distinct) Merge(o *Distinct) error {
	if d.regs == nil || o.regs == nil {
		return errors.New("stats: merging distinct sketches: not materialized")
	}
	for i, r := range o.regs[:len(d.regs)] {
		d.regs[i] = max(d.regs[i], r)
	}
	return nil
}

// appendBinary appends the registers in the dense encoding.
func (d *Distinct) appendBinary(b []byte) []byte {
	b = append(b, hllVersion, DistinctPrecision, 0, 0)
	b = binary.BigEndian.AppendUint32(b, hllRegisters)
	return append(b, d.regs...)
}

// decodeBinary sets the registers from an encoded sketch of any shape the
// library writes (dense, sparse, version 1's 4-bit registers), decoded and
// checked by the library and merged into a dense sketch of this precision.
func (d *Distinct) decodeBinary(b []byte) error {
	var in hyperloglog.Sketch
	if err := in.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("stats: distinct sketch: %w", err)
	}
	dense, err := hyperloglog.NewSketch(DistinctPrecision, false)
	if err == nil {
		err = dense.Merge(&in) // a precision mismatch is an error
	}
	var enc []byte
	if err == nil {
		enc, err = dense.MarshalBinary()
	}
	if err != nil {
		return fmt.Errorf("stats: distinct sketch: %w", err)
	}
	if len(enc) != hllHeader+hllRegisters {
		return fmt.Errorf("stats: distinct sketch: dense encoding of %d bytes, want %d", len(enc), hllHeader+hllRegisters)
	}
	d.regs = enc[hllHeader:]
	return nil
}

type distinctJSON struct {
	HLL []byte `json:"hll,omitempty"`
}

// MarshalJSON encodes the registers (base64 of the dense encoding), if any.
func (d *Distinct) MarshalJSON() ([]byte, error) {
	var out distinctJSON
	if d.regs != nil {
		out.HLL = d.appendBinary(make([]byte, 0, hllHeader+hllRegisters))
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes registers written by MarshalJSON.
func (d *Distinct) UnmarshalJSON(data []byte) error {
	var in distinctJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	d.regs = nil
	if in.HLL == nil {
		return nil
	}
	return d.decodeBinary(in.HLL)
}

// mix64 is the SplitMix64 / MurmurHash3 finalizer: a fast bijection that
// spreads integer keys and float bit patterns uniformly over 64 bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
