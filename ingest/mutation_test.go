package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/internal/hostile"
)

// mutationLimits are the limits mutants are read with: small enough that a
// limit is hit long before memory runs short.
var mutationLimits = Limits{MaxPageBytes: 16 << 20, MaxMetadataBytes: 1 << 20, MaxColumns: 1000}

// mutantAllocBound is the most a mutant may make ingest allocate, in all:
// a few pages at MaxPageBytes, their decompression and decoding.
const mutantAllocBound = 8 * (16 << 20)

// mutationSeed is the PCG seed of the campaign; mutant i of a format uses
// the stream (mutationSeed, i), so a failure names the mutant to rerun
// (with REFIT_MUTANT_DIR set, it is saved there too).
const mutationSeed = 14

// TestMutation is the mutation campaign of issue 14 as a test: mutants of
// Parquet and Arrow IPC seed files (generated, and the conformance corpora
// when REFIT_SHARED has them) are decoded, and each must end in data or an
// error that names the file and has a class, without a recovered decoder
// panic, an allocation caught by the allocator safety net, a hang, or
// allocating more than mutantAllocBound. mutantsPerFormat is a few hundred;
// built with -tags mutation it is 10,000.
func TestMutation(t *testing.T) {
	if os.Getenv("REFIT_DEBUG_PANICS") == "1" {
		base.DebugPanics = true
		defer func() { base.DebugPanics = false }()
	}
	for _, format := range []string{"parquet", "arrow"} {
		t.Run(format, func(t *testing.T) {
			seeds := mutationSeeds(t, format)
			count, seed := envInt("REFIT_MUTANTS", mutantsPerFormat), envInt("REFIT_MUTATION_SEED", mutationSeed)
			t.Logf("%d seeds, %d mutants, seed %d", len(seeds), count, seed)
			var st mutationStats
			start := time.Now()
			for i := range count {
				rng := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
				s := seeds[i%len(seeds)]
				m := s.mutate(rng)
				if msg := runMutant(m, &st); msg != "" {
					t.Errorf("mutant %d of %s (%s, %d bytes): %s", i, m.seed, m.kind, len(m.data), msg)
					saveMutant(t, format, i, m)
				}
			}
			st.log(t, time.Since(start))
		})
	}
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
func runMutant(m mutant, st *mutationStats) string {
	o := decodeChecked("mutant.bin", m.data, mutationLimits, mutantAllocBound)
	err, used := o.err, o.used
	st.n++
	if used > st.maxAlloc {
		st.maxAlloc, st.worst = used, fmt.Sprintf("%s (%s)", m.seed, m.kind)
	}
	if st.classes == nil {
		st.classes = map[string]int{}
	}
	st.classes[outcome(err)]++
	if err == nil {
		st.data++
	}
	return o.problem
}

// decoded is the outcome of decodeChecked.
type decoded struct {
	err     error
	used    int64  // bytes allocated
	problem string // what is wrong, "" when nothing is
}

// decodeChecked decodes data as file name with lim, checking every record,
// and returns the error, the bytes it allocated and what is wrong with the
// outcome: it must be data or an error that names the
// file and has a class, with no recovered panic (by guard or inside
// arrow), no allocation refused by the safety net, within 20 s and
// allocating at most bound bytes.
func decodeChecked(name string, data []byte, lim Limits, bound int64) decoded {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var bad error
	before := heapAllocs()
	err := decodeAll(ctx, name, bytesSource{data}, Options{BatchSize: 100, Limits: lim}, func(rec arrow.Record) error {
		if err := checkRecord(rec); err != nil && bad == nil {
			bad = err
		}
		return nil
	})
	used := int64(heapAllocs() - before)
	switch {
	case bad != nil:
		return decoded{err, used, fmt.Sprintf("invalid record: %v", bad)}
	case errors.Is(err, context.DeadlineExceeded):
		return decoded{err, used, "took more than 20 s"}
	case used > bound:
		return decoded{err, used, fmt.Sprintf("allocated %d MiB (err %v)", used>>20, err)}
	case err == nil:
		return decoded{nil, used, ""}
	case strings.Contains(err.Error(), "decoder panicked"):
		return decoded{err, used, fmt.Sprintf("recovered panic: %v", err)}
	case strings.Contains(err.Error(), "unknown error while reading"):
		return decoded{err, used, fmt.Sprintf("panic recovered inside arrow: %v", err)}
	case errors.Is(err, base.ErrAllocLimit):
		return decoded{err, used, fmt.Sprintf("caught by the allocator, not by a check: %v", err)}
	case !strings.Contains(err.Error(), name):
		return decoded{err, used, fmt.Sprintf("error does not name the file: %v", err)}
	case !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrInvalidInput):
		return decoded{err, used, fmt.Sprintf("error without a class: %v", err)}
	}
	return decoded{err, used, ""}
}

// outcome names the class of err for the statistics.
func outcome(err error) string {
	switch {
	case err == nil:
		return "data"
	case errors.Is(err, ErrLimit):
		return "limit"
	case errors.Is(err, ErrCorrupt):
		return "corrupt"
	case errors.Is(err, ErrUnsupported):
		return "unsupported"
	case errors.Is(err, ErrInvalidInput):
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
func saveMutant(t *testing.T, format string, i int, m mutant) {
	dir := os.Getenv("REFIT_MUTANT_DIR")
	if dir == "" {
		return
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%05d", format, i))
	if err := os.WriteFile(path, m.data, 0o644); err != nil {
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

// mutationSeeds returns the seed files of a format: generated ones, and
// the small files of the conformance corpora when present.
func mutationSeeds(t *testing.T, format string) []*seedFile {
	var seeds []*seedFile
	add := func(name string, data []byte) { seeds = append(seeds, newSeed(name, data)) }
	if format == "parquet" {
		for name, data := range parquetSeeds(t) {
			add(name, data)
		}
	} else {
		for _, stream := range []bool{false, true} {
			kind := map[bool]string{false: "file", true: "stream"}[stream]
			add("sample "+kind, sampleIPC(t, stream, 2, false))
			add("sample lz4 "+kind, sampleIPC(t, stream, 2, stream, ipc.WithLZ4()))
			add("sample zstd "+kind, sampleIPC(t, stream, 2, stream, ipc.WithZstd()))
		}
		add("large offsets", largeOffsetsIPC(t))
	}
	if dir := sharedDirOrEmpty(); dir != "" {
		pattern := filepath.Join(dir, "conformance", "arrow-testing", "integration", "*")
		if format == "parquet" {
			pattern = filepath.Join(dir, "conformance", "parquet-testing", "data", "*.parquet")
		}
		files, _ := filepath.Glob(pattern)
		for _, path := range files {
			if st, err := os.Stat(path); err != nil || st.Size() > 32<<10 {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			add(filepath.Base(path), data)
		}
	}
	slices.SortFunc(seeds, func(a, b *seedFile) int { return strings.Compare(a.name, b.name) })
	for _, s := range seeds {
		if len(s.fields) == 0 || testing.Verbose() {
			t.Logf("seed %s", s)
		}
	}
	return seeds
}

// parquetSeeds writes small Parquet files of every kind refit reads: all
// types, strings, lists and maps, v1 and v2 pages, each codec.
func parquetSeeds(t *testing.T) map[string][]byte {
	seeds := map[string][]byte{}
	codecs := map[string]parquet.WriterOption{
		"snappy": parquet.Compression(&parquet.Snappy), "zstd": parquet.Compression(&parquet.Zstd),
		"gzip": parquet.Compression(&parquet.Gzip), "none": parquet.Compression(&parquet.Uncompressed),
	}
	for name, codec := range codecs {
		for _, v := range []int{1, 2} {
			opts := []parquet.WriterOption{codec, parquet.DataPageVersion(v), parquet.PageBufferSize(400), parquet.MaxRowsPerRowGroup(60)}
			raw, err := os.ReadFile(writePQ(t, pqRows(90), opts...))
			if err != nil {
				t.Fatal(err)
			}
			seeds[fmt.Sprintf("types %s v%d", name, v)] = raw
			seeds[fmt.Sprintf("strings %s v%d", name, v)] = writeLarge(t, largeRows(80), opts...)
		}
	}
	var buf bytes.Buffer
	if err := (hostile.ZeroPages{RowGroups: 2, PageBytes: 64 << 10}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	seeds["zero pages"] = buf.Bytes()
	return seeds
}
