package ingesttest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// MutationLimits are the limits mutants are read with: small enough that a
// limit is hit long before memory runs short.
var MutationLimits = base.Limits{MaxPageBytes: 16 << 20, MaxMetadataBytes: 1 << 20, MaxColumns: 1000}

// MutantAllocBound is the most a mutant may make ingest allocate, in all:
// a few pages at MaxPageBytes, their decompression and decoding.
const MutantAllocBound = 8 * (16 << 20)

// MutationSeed is the PCG seed of the campaign; mutant i of a format uses
// the stream (MutationSeed, i), so a failure names the mutant to rerun
// (with REFIT_MUTANT_DIR set, it is saved there too).
const MutationSeed = 14

// FuzzLimits keep a fuzzed input from allocating much.
var FuzzLimits = base.Limits{MaxPageBytes: 64 << 20, MaxMetadataBytes: 1 << 20, MaxColumns: 1000}

// Checker decodes untrusted bytes with the decoders Open opens and checks
// every record with Validate (ipcdec's validator).
type Checker struct {
	Open     Opener
	Validate func(arrow.ArrayData) error
}

// Fuzz decodes data and checks the outcome as the mutation test does
// (DecodeChecked): data or a classified error naming the file, never a
// recovered panic, at most 8 pages of FuzzLimits allocated.
func (c Checker) Fuzz(t *testing.T, data []byte) {
	if o := c.DecodeChecked("fuzz", data, FuzzLimits, 8*FuzzLimits.MaxPageBytes); o.Problem != "" {
		t.Fatal(o.Problem)
	}
}

// RunMutation is the mutation campaign of issue 14 for one format, run as
// subtest format: mutants of seeds (generated, and the conformance
// corpora when REFIT_SHARED has them) are decoded, and each must end in
// data or an error that names the file and has a class, without a
// recovered decoder panic, an allocation caught by the allocator safety
// net, a hang, or allocating more than MutantAllocBound. MutantsPerFormat
// is a few hundred; built with -tags mutation it is 10,000.
func (c Checker) RunMutation(t *testing.T, format string, seeds func(t *testing.T) []*Seed) {
	if os.Getenv("REFIT_DEBUG_PANICS") == "1" {
		base.DebugPanics = true
		defer func() { base.DebugPanics = false }()
	}
	t.Run(format, func(t *testing.T) {
		seeds := seeds(t)
		count, seed := envInt("REFIT_MUTANTS", MutantsPerFormat), envInt("REFIT_MUTATION_SEED", MutationSeed)
		t.Logf("%d seeds, %d mutants, seed %d", len(seeds), count, seed)
		var st mutationStats
		start := time.Now()
		for i := range count {
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
			s := seeds[i%len(seeds)]
			m := s.Mutate(rng)
			if msg := c.runMutant(m, &st); msg != "" {
				t.Errorf("mutant %d of %s (%s, %d bytes): %s", i, m.Seed, m.Kind, len(m.Data), msg)
				saveMutant(t, format, i, m)
			}
		}
		st.log(t, time.Since(start))
	})
	if hwm := peakRSS(); hwm > 0 {
		t.Logf("peak RSS of the test process: %d MiB", hwm>>20)
	}
}

// envInt is the integer in environment variable name, else def: the
// campaign's size and seed can be changed to explore
// (REFIT_MUTANTS=100000 REFIT_MUTATION_SEED=15).
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// mutationStats counts outcomes.
type mutationStats struct {
	n, data, maxAlloc int64
	classes           map[string]int
	worst             string // the mutant that allocated most
}

// runMutant decodes m and returns what is wrong with the outcome, "" when
// nothing is.
func (c Checker) runMutant(m Mutant, st *mutationStats) string {
	o := c.DecodeChecked("mutant.bin", m.Data, MutationLimits, MutantAllocBound)
	err, used := o.Err, o.Used
	st.n++
	if used > st.maxAlloc {
		st.maxAlloc, st.worst = used, fmt.Sprintf("%s (%s)", m.Seed, m.Kind)
	}
	if st.classes == nil {
		st.classes = map[string]int{}
	}
	st.classes[outcome(err)]++
	if err == nil {
		st.data++
	}
	return o.Problem
}

// Decoded is the outcome of DecodeChecked.
type Decoded struct {
	Err     error
	Used    int64  // bytes allocated
	Problem string // what is wrong, "" when nothing is
}

// DecodeChecked decodes data as file name with lim, checking every record,
// and returns the error, the bytes it allocated and what is wrong with the
// outcome: it must be data or an error that names the
// file and has a class, with no recovered panic (by base.Guard or inside
// arrow), no allocation refused by the safety net, within 20 s and
// allocating at most bound bytes.
func (c Checker) DecodeChecked(name string, data []byte, lim base.Limits, bound int64) Decoded {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var bad error
	before := HeapAllocs()
	err := DecodeAll(ctx, name, BytesSource(data), Options{BatchSize: 100, Limits: lim}, c.Open, func(rec arrow.Record) error {
		if err := CheckRecord(rec, c.Validate); err != nil && bad == nil {
			bad = err
		}
		return nil
	})
	used := int64(HeapAllocs() - before)
	switch {
	case bad != nil:
		return Decoded{err, used, fmt.Sprintf("invalid record: %v", bad)}
	case errors.Is(err, context.DeadlineExceeded):
		return Decoded{err, used, "took more than 20 s"}
	case used > bound:
		return Decoded{err, used, fmt.Sprintf("allocated %d MiB (err %v)", used>>20, err)}
	case err == nil:
		return Decoded{nil, used, ""}
	case strings.Contains(err.Error(), "decoder panicked"):
		return Decoded{err, used, fmt.Sprintf("recovered panic: %v", err)}
	case strings.Contains(err.Error(), "unknown error while reading"):
		return Decoded{err, used, fmt.Sprintf("panic recovered inside arrow: %v", err)}
	case errors.Is(err, base.ErrAllocLimit):
		return Decoded{err, used, fmt.Sprintf("caught by the allocator, not by a check: %v", err)}
	case !strings.Contains(err.Error(), name):
		return Decoded{err, used, fmt.Sprintf("error does not name the file: %v", err)}
	case !errors.Is(err, base.ErrCorrupt) && !errors.Is(err, base.ErrUnsupported) && !errors.Is(err, base.ErrInvalidInput):
		return Decoded{err, used, fmt.Sprintf("error without a class: %v", err)}
	}
	return Decoded{err, used, ""}
}

// outcome names the class of err for the statistics.
func outcome(err error) string {
	switch {
	case err == nil:
		return "data"
	case errors.Is(err, base.ErrLimit):
		return "limit"
	case errors.Is(err, base.ErrCorrupt):
		return "corrupt"
	case errors.Is(err, base.ErrUnsupported):
		return "unsupported"
	case errors.Is(err, base.ErrInvalidInput):
		return "invalid input"
	}
	return "other"
}

func (st *mutationStats) log(t *testing.T, took time.Duration) {
	keys := make([]string, 0, len(st.classes))
	for k := range st.classes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s %d,", k, st.classes[k])
	}
	t.Logf("%d mutants in %v:%s most allocated %.1f MiB by %s", st.n, took.Round(time.Millisecond), b.String(), float64(st.maxAlloc)/(1<<20), st.worst)
}

// saveMutant writes a failing mutant to $REFIT_MUTANT_DIR, when set, to be
// added to the fuzz corpus once fixed.
func saveMutant(t *testing.T, format string, i int, m Mutant) {
	dir := os.Getenv("REFIT_MUTANT_DIR")
	if dir == "" {
		return
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%05d", format, i))
	if err := os.WriteFile(path, m.Data, 0o644); err != nil {
		t.Log(err)
	}
}

// peakRSS is the process's peak resident set size in bytes, from
// /proc/self/status (0 where there is none).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	return 0
}
