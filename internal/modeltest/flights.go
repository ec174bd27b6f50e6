package modeltest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Flight is one row of MonthlyFlights.
type Flight struct {
	Date   time.Time `parquet:"date,timestamp(microsecond)"`
	Delay  int64     `parquet:"delay"`
	Origin string    `parquet:"origin,dict"`
}

// MonthlyFlights writes 12 flights, one on the first of each month of
// 2001 with delay 10·month and origin SEA or SFO, in row groups of 4, and
// returns the file's path: a small file with a timestamp, a number and a
// category for the tests of row selection and drift sides.
func MonthlyFlights(t testing.TB) string {
	t.Helper()
	var rows []Flight
	for m := 1; m <= 12; m++ {
		rows = append(rows, Flight{time.Date(2001, time.Month(m), 1, 0, 0, 0, 0, time.UTC), int64(m * 10), []string{"SEA", "SFO"}[m%2]})
	}
	path := filepath.Join(t.TempDir(), "flights.parquet")
	if err := parquet.WriteFile(path, rows, parquet.MaxRowsPerRowGroup(4)); err != nil {
		t.Fatal(err)
	}
	return path
}
