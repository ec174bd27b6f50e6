package validate

import (
	"fmt"

	"github.com/axiomhq/hyperloglog"
)

// DistinctPrecision is the HyperLogLog precision used by profiles: 2^16
// registers, a standard error of 1.04/√65536 ≈ 0.41 %, so an estimate is
// within 2 % with overwhelming probability (about 5 standard errors).
const DistinctPrecision = 16

// Distinct estimates the number of distinct values with HyperLogLog
// (github.com/axiomhq/hyperloglog, LogLog-Beta estimator). It is only
// materialized when a column's exact value counter overflows (see [TopK]);
// until then the distinct count is exact. Sketch is nil while unused.
//
// Values enter as 64-bit keys (see [TopK]) hashed with mix64, so sketches
// saved by one process merge with sketches built by another.
type Distinct struct {
	Sketch *hyperloglog.Sketch
}

// materialize creates the sketch and inserts the given keys.
func (d *Distinct) materialize(keys func(yield func(uint64))) error {
	if d.Sketch != nil {
		return nil
	}
	sk, err := hyperloglog.NewSketch(DistinctPrecision, false)
	if err != nil {
		return fmt.Errorf("validate: distinct sketch: %w", err)
	}
	keys(func(k uint64) { sk.InsertHash(mix64(k)) })
	d.Sketch = sk
	return nil
}

// insertKeys adds keys to a materialized sketch.
func (d *Distinct) insertKeys(keys []uint64) {
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

// merge adds o's sketch; both must be materialized.
func (d *Distinct) merge(o *Distinct) error {
	if err := d.Sketch.Merge(o.Sketch); err != nil {
		return fmt.Errorf("validate: merging distinct sketches: %w", err)
	}
	return nil
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
