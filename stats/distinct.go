package stats

import (
	"encoding/json"
	"fmt"
	"iter"

	"github.com/axiomhq/hyperloglog"
)

// DistinctPrecision is the HyperLogLog precision of [Distinct]: 2^16
// registers, a standard error of 1.04/√65536 ≈ 0.41 %, so an estimate is
// within 2 % with overwhelming probability (about 5 standard errors).
const DistinctPrecision = 16

// Distinct estimates the number of distinct values with HyperLogLog
// (github.com/axiomhq/hyperloglog, LogLog-Beta estimator). It is meant to
// be materialized only when an exact counter ([TopK]) overflows, seeded
// with that counter's keys; until then the counter's length is the exact
// distinct count. Sketch is nil while unused.
//
// Values enter as 64-bit keys (see [TopK]) hashed with a fixed mixer, so
// sketches saved by one process merge with sketches built by another.
type Distinct struct {
	Sketch *hyperloglog.Sketch
}

// Materialize creates the sketch, if there is none, and inserts keys.
func (d *Distinct) Materialize(keys iter.Seq[uint64]) error {
	if d.Sketch != nil {
		return nil
	}
	sk, err := hyperloglog.NewSketch(DistinctPrecision, false)
	if err != nil {
		return fmt.Errorf("stats: distinct sketch: %w", err)
	}
	for k := range keys {
		sk.InsertHash(mix64(k))
	}
	d.Sketch = sk
	return nil
}

// InsertKeys adds keys to a materialized sketch.
func (d *Distinct) InsertKeys(keys []uint64) {
	sk := d.Sketch
	for _, k := range keys {
		sk.InsertHash(mix64(k))
	}
}

// Estimate returns the estimated distinct count, or 0 when not materialized.
func (d *Distinct) Estimate() int64 {
	if d.Sketch == nil {
		return 0
	}
	return int64(d.Sketch.Clone().Estimate())
}

// Merge adds o's sketch; both must be materialized.
func (d *Distinct) Merge(o *Distinct) error {
	if err := d.Sketch.Merge(o.Sketch); err != nil {
		return fmt.Errorf("stats: merging distinct sketches: %w", err)
	}
	return nil
}

type distinctJSON struct {
	HLL []byte `json:"hll,omitempty"`
}

// MarshalJSON encodes the HyperLogLog registers (base64), if any.
func (d *Distinct) MarshalJSON() ([]byte, error) {
	var out distinctJSON
	if d.Sketch != nil {
		b, err := d.Sketch.MarshalBinary()
		if err != nil {
			return nil, err
		}
		out.HLL = b
	}
	return json.Marshal(out)
}

// UnmarshalJSON decodes registers written by MarshalJSON.
func (d *Distinct) UnmarshalJSON(data []byte) error {
	var in distinctJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	d.Sketch = nil
	if in.HLL == nil {
		return nil
	}
	if err := d.Materialize(func(func(uint64) bool) {}); err != nil {
		return err
	}
	return d.Sketch.UnmarshalBinary(in.HLL)
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
