package ingest

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go"
)

type rowA struct {
	X int32   `parquet:"x"`
	Y *string `parquet:"y,optional"`
}

type rowB struct {
	X int64 `parquet:"x"`
}

func writeParquet[T any](t *testing.T, path string, rows []T, perGroup int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, rows, parquet.MaxRowsPerRowGroup(perGroup)); err != nil {
		t.Fatal(err)
	}
}

func str(s string) *string { return &s }

// hiveDataset writes year=2001 (x int32, y string; 2 row groups) and
// year=2002 (x int64 only).
func hiveDataset(t *testing.T) string {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "year=2001", "a.parquet"),
		[]rowA{{1, str("a")}, {2, nil}, {3, str("c")}}, 2)
	writeParquet(t, filepath.Join(dir, "year=2002", "b.parquet"),
		[]rowB{{1 << 40}}, 10)
	return dir
}

// checkedOptions returns options with an allocator that fails the test if
// any Arrow buffer is leaked.
func checkedOptions(t *testing.T) Options {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return Options{Mem: mem, Logger: slog.New(slog.DiscardHandler)}
}

// collect reads the dataset in order and returns column values as text.
func collect(t *testing.T, ds *Dataset) map[string][]string {
	t.Helper()
	out := make(map[string][]string)
	for rec, err := range ds.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		for i, col := range rec.Columns() {
			name := rec.Schema().Field(i).Name
			for r := range col.Len() {
				out[name] = append(out[name], col.ValueStr(r))
			}
		}
	}
	return out
}

func TestOpenUnifiesFiles(t *testing.T) {
	dir := hiveDataset(t)
	ds, err := Open(context.Background(), []string{dir}, checkedOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	want := "schema:\n  fields: 3\n    - x: type=int64\n    - y: type=utf8, nullable\n    - year: type=int64"
	if got := ds.Schema().String(); got != want {
		t.Errorf("schema:\n%s\nwant\n%s", got, want)
	}
	if ds.NumRows() != 4 {
		t.Errorf("rows = %d, want 4", ds.NumRows())
	}
	if len(ds.Parts()) != 3 {
		t.Errorf("parts = %d, want 3 (2 row groups + 1)", len(ds.Parts()))
	}
	got := collect(t, ds)
	checkColumn(t, got, "x", "1", "2", "3", "1099511627776")
	checkColumn(t, got, "y", "a", "(null)", "c", "(null)")
	checkColumn(t, got, "year", "2001", "2001", "2001", "2002")
	if w := strings.Join(ds.Warnings(), "\n"); !strings.Contains(w, `no column "y"`) || !strings.Contains(w, "b.parquet") {
		t.Errorf("warnings %q should name the file missing column y", w)
	}
}

func checkColumn(t *testing.T, got map[string][]string, name string, want ...string) {
	t.Helper()
	if strings.Join(got[name], ",") != strings.Join(want, ",") {
		t.Errorf("column %s = %v, want %v", name, got[name], want)
	}
}

func TestOpenProjection(t *testing.T) {
	dir := hiveDataset(t)
	opts := checkedOptions(t)
	opts.Columns = []string{"year", "x"}
	ds, err := Open(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, ds)
	if len(got) != 2 {
		t.Errorf("got columns %v, want year and x", got)
	}
	checkColumn(t, got, "year", "2001", "2001", "2001", "2002")

	opts.Columns = []string{"nope"}
	_, err = Open(context.Background(), []string{dir}, opts)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown column: err = %v", err)
	}
}

func TestOpenIncompatible(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "1.parquet"), []rowB{{1}}, 10)
	type rowS struct {
		X string `parquet:"x"`
	}
	writeParquet(t, filepath.Join(dir, "2.parquet"), []rowS{{"one"}}, 10)
	_, err := Open(context.Background(), []string{dir}, Options{})
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want ErrInvalidInput", err)
	}
	for _, part := range []string{"1.parquet", "2.parquet", `"x"`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not name %s", err, part)
		}
	}
}

func TestOpenBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	writeParquet(t, good, []rowB{{1}, {2}}, 10)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		bytes []byte
		want  error
	}{
		{"text.parquet", []byte("date,delay\n2001-01-01,3\n"), ErrInvalidInput},
		{"empty.parquet", nil, ErrInvalidInput},
		{"truncated.parquet", data[:len(data)/2], ErrCorrupt},
		{"headless.parquet", append([]byte("PAR1"), make([]byte, 20)...), ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.name)
			if err := os.WriteFile(p, tt.bytes, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(context.Background(), []string{p}, Options{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != p {
				t.Errorf("error %v does not name the file", err)
			}
		})
	}
}

func TestScanParallel(t *testing.T) {
	dir := t.TempDir()
	rows := make([]rowB, 1000)
	for i := range rows {
		rows[i].X = int64(i)
	}
	for _, name := range []string{"a", "b", "c"} {
		writeParquet(t, filepath.Join(dir, name+".parquet"), rows, 128)
	}
	opts := checkedOptions(t)
	opts.BatchSize, opts.Parallelism = 50, 4
	ds, err := Open(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	parts := ds.Parts()
	var mu sync.Mutex
	sums := make([]int64, len(parts))
	index := make(map[Part]int)
	for i, p := range parts {
		index[p] = i
	}
	err = ds.Scan(context.Background(), func(p Part, rec arrow.Record) error {
		if rec.NumRows() > 50 {
			t.Errorf("record of %d rows, batch size 50", rec.NumRows())
		}
		var s int64
		for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
			s += v
		}
		mu.Lock()
		sums[index[p]] += s
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, s := range sums {
		total += s
	}
	if want := int64(3 * 999 * 1000 / 2); total != want {
		t.Errorf("sum = %d, want %d", total, want)
	}
}

func TestScanStopsOnError(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), make([]rowB, 1000), 100)
	ds, err := Open(context.Background(), []string{dir}, checkedOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	err = ds.Scan(context.Background(), func(Part, arrow.Record) error { return stop })
	if err != stop {
		t.Errorf("err = %v, want the callback's error unwrapped", err)
	}
}

func TestRecordsBreakEarly(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "a.parquet"), make([]rowB, 5000), 100)
	opts := checkedOptions(t)
	opts.BatchSize = 10
	ds, err := Open(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range ds.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	// checkedOptions asserts at cleanup that nothing leaked.
}

func TestRecordsOrderAcrossFormats(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "1.parquet"), []rowB{{1}, {2}}, 1)
	writeIPC(t, filepath.Join(dir, "2.arrow"), []int64{3, 4}, false)
	writeIPC(t, filepath.Join(dir, "3.stream"), []int64{5}, true)
	opts := checkedOptions(t)
	opts.Parallelism = 3
	ds, err := Open(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkColumn(t, collect(t, ds), "x", "1", "2", "3", "4", "5")
}

// writeIPC writes an Arrow IPC file (or stream) with one int64 column x, one
// record batch per value.
func writeIPC(t *testing.T, path string, xs []int64, stream bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var w interface {
		Write(arrow.Record) error
		Close() error
	}
	if stream {
		w = ipc.NewWriter(f, ipc.WithSchema(schema))
	} else if w, err = ipc.NewFileWriter(f, ipc.WithSchema(schema)); err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		b.Field(0).(*array.Int64Builder).Append(x)
		rec := b.NewRecord()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		b.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFingerprint(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		writeParquet(t, filepath.Join(dir, "k=1", "x.parquet"), []rowB{{1}, {2}}, 10)
	}
	fp := func(dir string) string {
		ds, err := Open(context.Background(), []string{dir}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s, err := ds.Fingerprint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	fa := fp(a)
	if !strings.HasPrefix(fa, "sha256:") || len(fa) != 7+64 {
		t.Errorf("fingerprint %q is not a sha256", fa)
	}
	if fb := fp(b); fb != fa {
		t.Errorf("same bytes in another place: %s != %s", fb, fa)
	}
	writeParquet(t, filepath.Join(b, "k=1", "x.parquet"), []rowB{{1}, {3}}, 10)
	if fb := fp(b); fb == fa {
		t.Error("changed file kept the fingerprint")
	}
	writeParquet(t, filepath.Join(a, "k=2", "y.parquet"), []rowB{{1}}, 10)
	if fa2 := fp(a); fa2 == fa {
		t.Error("added file kept the fingerprint")
	}
}

// TestFilter keeps the first row of each 2001 record and drops the 2002
// file's through Options.Filter, in Records and in Scan, without leaking
// buffers; a filter's error stops the scan and names the file.
func TestFilter(t *testing.T) {
	dir := hiveDataset(t)
	opts := checkedOptions(t)
	opts.Filter = func(rec arrow.Record) (arrow.Record, error) {
		year := rec.Column(rec.Schema().FieldIndices("year")[0]).(*array.Int64)
		if year.Value(0) == 2002 {
			return nil, nil
		}
		return rec.NewSlice(0, 1), nil
	}
	ds, err := Open(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkColumn(t, collect(t, ds), "x", "1", "3")
	var mu sync.Mutex
	var rows int64
	err = ds.Scan(context.Background(), func(_ Part, rec arrow.Record) error {
		mu.Lock()
		defer mu.Unlock()
		rows += rec.NumRows()
		return nil
	})
	if err != nil || rows != 2 {
		t.Errorf("Scan: %d rows, err %v; want 2", rows, err)
	}

	opts.Filter = func(arrow.Record) (arrow.Record, error) { return nil, errors.New("no time column") }
	ds, err = Open(context.Background(), []string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range ds.Records(context.Background()) {
		if err == nil || !strings.Contains(err.Error(), "filter: no time column") || !strings.Contains(err.Error(), "a.parquet") {
			t.Errorf("filter error: %v", err)
		}
	}
}
