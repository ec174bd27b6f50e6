package expect

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

type trip struct {
	ID     int64     `parquet:"id"`
	Origin string    `parquet:"origin,dict"`
	Code   *string   `parquet:"code,optional"`
	Delay  *float64  `parquet:"delay,optional"`
	Dep    time.Time `parquet:"dep,timestamp(microsecond)"`
	Arr    time.Time `parquet:"arr,timestamp(microsecond)"`
}

// tripT0 is the first departure of tripRows.
var tripT0 = time.Date(2024, 3, 1, 6, 0, 0, 0, time.UTC)

// tripRows are ten hand-made rows with one problem each in rows 1 to 9:
// null delay (1), lower-case code (2), null code (3), delay 1000 (4), repeated
// id 5 (5), unseen origin XXX (6), arrival before departure (8), and row 9
// repeating row 0 entirely.
func tripRows() []trip {
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	h := func(n int) time.Time { return tripT0.Add(time.Duration(n) * time.Hour) }
	return []trip{
		{1, "SEA", s("AA1"), f(5), h(0), h(2)},
		{2, "LAX", s("AA2"), nil, h(1), h(3)},
		{3, "SEA", s("aa3"), f(10), h(2), h(4)},
		{4, "JFK", nil, f(-5), h(3), h(5)},
		{5, "SEA", s("AA5"), f(1000), h(4), h(6)},
		{5, "LAX", s("AA6"), f(7), h(5), h(7)},
		{7, "XXX", s("AA7"), f(3), h(6), h(8)},
		{8, "SEA", s("AA8"), f(2), h(7), h(9)},
		{9, "LAX", s("AA9"), f(4), h(8), h(7)},
		{1, "SEA", s("AA1"), f(5), h(0), h(2)},
	}
}

// tripData writes tripRows as Parquet in row groups of 4 (three parts) and
// opens it, with its full profile.
func tripData(t *testing.T) (*ingest.Dataset, *profile.Profile) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trips.parquet")
	if err := parquet.WriteFile(path, tripRows(), parquet.MaxRowsPerRowGroup(4)); err != nil {
		t.Fatal(err)
	}
	ds, err := ingest.Open(context.Background(), []string{path}, ingest.Options{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Scan(context.Background(), ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds, prof
}
