package ipcdec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// arrowTestingDir is the apache/arrow-testing checkout in the shared data.
func arrowTestingDir(t testing.TB) string {
	dir := filepath.Join(ingesttest.SharedDir(t), "conformance", "arrow-testing")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("arrow-testing not found at %s: %v", dir, err)
	}
	return dir
}

// decodeBytes decodes data as file path with decodeAll, returning the
// records (retained; release with releaseAll) and checking each as it comes.
func decodeBytes(ctx context.Context, t testing.TB, path string, data []byte, opts ingesttest.Options) ([]arrow.Record, error) {
	var recs []arrow.Record
	err := decodeAll(ctx, path, ingesttest.BytesSource(data), opts, func(rec arrow.Record) error {
		if err := checkRecord(rec); err != nil {
			t.Errorf("%s: invalid record: %v", path, err)
		}
		rec.Retain()
		recs = append(recs, rec)
		return nil
	})
	return recs, err
}

func releaseArrays(arrs []arrow.Array) {
	for _, a := range arrs {
		a.Release()
	}
}

func releaseRecords(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}

func TestIPCIntegration(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(arrowTestingDir(t), "integration", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no integration files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := decodeBytes(context.Background(), t, path, data, ingesttest.Options{BatchSize: 3})
			defer releaseRecords(recs)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
		})
	}
}

// TestIPCFileMatchesStream compares each generated_* file with its stream.
func TestIPCFileMatchesStream(t *testing.T) {
	dir := filepath.Join(arrowTestingDir(t), "integration")
	files, _ := filepath.Glob(filepath.Join(dir, "*.arrow_file"))
	for _, file := range files {
		stream := strings.TrimSuffix(file, ".arrow_file") + ".stream"
		t.Run(filepath.Base(file), func(t *testing.T) {
			a := concatDecoded(t, file)
			defer releaseArrays(a)
			b := concatDecoded(t, stream)
			defer releaseArrays(b)
			if len(a) != len(b) {
				t.Fatalf("file has %d columns, stream %d", len(a), len(b))
			}
			for i := range a {
				if !array.Equal(a[i], b[i]) {
					t.Errorf("column %d differs:\nfile   %v\nstream %v", i, a[i], b[i])
				}
			}
		})
	}
}

// concatDecoded decodes path and concatenates each column over all records.
func concatDecoded(t *testing.T, path string) []arrow.Array {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := decodeBytes(context.Background(), t, path, data, ingesttest.Options{BatchSize: 2})
	defer releaseRecords(recs)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(recs) == 0 {
		return nil
	}
	cols := make([]arrow.Array, recs[0].NumCols())
	for c := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		cols[c], err = array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			t.Fatalf("concatenate column %d: %v", c, err)
		}
	}
	return cols
}

// TestIPCDictionaryDecoded checks dictionary columns come out as their
// values, against arrow's own reader.
func TestIPCDictionaryDecoded(t *testing.T) {
	path := filepath.Join(arrowTestingDir(t), "integration", "generated_dictionary.arrow_file")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fr, err := ipc.NewFileReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	var want []string
	for i := 0; i < fr.NumRecords(); i++ {
		rec, err := fr.Record(i)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, dictStrings(rec.Column(0).(*array.Dictionary))...)
	}
	got := decodedStrings(t, path)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("dict0 decoded to\n%q\nwant\n%q", got, want)
	}
}

func dictStrings(d *array.Dictionary) []string {
	var out []string
	for i := 0; i < d.Len(); i++ {
		if d.IsNull(i) {
			out = append(out, "(null)")
			continue
		}
		out = append(out, d.Dictionary().ValueStr(d.GetValueIndex(i)))
	}
	return out
}

func decodedStrings(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := decodeBytes(context.Background(), t, path, data, ingesttest.Options{})
	defer releaseRecords(recs)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		col, ok := r.Column(0).(*array.String)
		if !ok {
			t.Fatalf("dict0 decoded to %s, want utf8", r.Column(0).DataType())
		}
		for i := 0; i < col.Len(); i++ {
			out = append(out, col.ValueStr(i))
		}
	}
	return out
}

// TestIPCHostileCorpus runs every OSS-Fuzz crash case: each must end in
// data or an error naming the file, within 10 s and 512 MiB of allocation.
func TestIPCHostileCorpus(t *testing.T) {
	dir := arrowTestingDir(t)
	var counts [2]int
	for _, sub := range []string{"fuzz-stream", "fuzz-file"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, path := range files {
			t.Run(sub+"/"+filepath.Base(path), func(t *testing.T) {
				if err := decodeHostile(t, path); err != nil {
					counts[1]++
				} else {
					counts[0]++
				}
			})
		}
	}
	t.Logf("hostile corpus: %d decoded, %d refused", counts[0], counts[1])
}

// decodeHostile decodes one crash case under a timeout and an allocation budget.
func decodeHostile(t *testing.T, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan error, 1)
	go func() {
		recs, err := decodeBytes(ctx, t, path, data, ingesttest.Options{})
		releaseRecords(recs)
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("decoding hung for more than 10 s")
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 512<<20 {
		t.Errorf("allocated %d MiB", d>>20)
	}
	if err != nil {
		checkInputError(t, path, err)
		t.Logf("refused: %v", err)
	}
	return err
}

// checkInputError checks err names path, has a class and comes from a
// check, not from a recovered panic.
func checkInputError(t testing.TB, path string, err error) {
	t.Helper()
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error does not name %s: %v", path, err)
	}
	if !errors.Is(err, base.ErrCorrupt) && !errors.Is(err, base.ErrUnsupported) && !errors.Is(err, base.ErrInvalidInput) {
		t.Errorf("error has no class: %v", err)
	}
	if strings.Contains(err.Error(), "decoder panicked") || strings.Contains(err.Error(), "unknown error while reading") {
		t.Errorf("a recovered panic, not a checked error: %v", err)
	}
}

func TestIPCFlights(t *testing.T) {
	path := filepath.Join(ingesttest.SharedDir(t), "datasets", "flights-200k.arrow")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("flights-200k.arrow: %v", err)
	}
	src := ingesttest.BytesSource(data)
	d, err := OpenFile(src, base.OpenConfig{Path: path, Limits: base.WithDefaults(base.Limits{}), Mem: memory.DefaultAllocator})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := d.Info().Rows; got != 200000 {
		t.Errorf("Info().Rows = %d, want 200000", got)
	}
	want := map[string]arrow.DataType{"delay": arrow.PrimitiveTypes.Int16, "distance": arrow.PrimitiveTypes.Int16, "time": arrow.PrimitiveTypes.Float32}
	for _, f := range d.Schema().Fields() {
		if w, ok := want[f.Name]; !ok || !arrow.TypeEqual(f.Type, w) {
			t.Errorf("column %s %s, want %v", f.Name, f.Type, w)
		}
	}
	var rows int64
	err = decodeAll(context.Background(), path, src, ingesttest.Options{BatchSize: 50000}, func(rec arrow.Record) error {
		if rec.NumRows() > 50000 {
			t.Errorf("record of %d rows, batch size 50000", rec.NumRows())
		}
		rows += rec.NumRows()
		return checkRecord(rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows != 200000 {
		t.Errorf("decoded %d rows, want 200000", rows)
	}
}
