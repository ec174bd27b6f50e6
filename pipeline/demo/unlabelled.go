package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parquet-go/parquet-go"
)

// unlabelledRow is a row whose label (delay) has not arrived yet.
type unlabelledRow struct {
	TS       time.Time `parquet:"ts,timestamp(microsecond)"`
	Distance *float64  `parquet:"distance,optional"`
	Weight   float64   `parquet:"weight"`
	Carrier  string    `parquet:"carrier,dict"`
	Region   string    `parquet:"region,dict"`
}

// WriteUnlabelledMonth writes the rows WriteMonth writes, without their
// delay column: a month whose labels have not arrived.
func WriteUnlabelledMonth(dir string, month time.Time, kind string, rows int, seed uint64) (string, error) {
	path := filepath.Join(dir, "month="+month.Format("2006-01"), "part-0.parquet")
	gen := genMonth(month, kind, rows, seed)
	out := make([]unlabelledRow, len(gen))
	for i, r := range gen {
		out[i] = unlabelledRow{TS: r.TS, Distance: r.Distance, Weight: r.Weight, Carrier: r.Carrier, Region: r.Region}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if err := parquet.WriteFile(path, out, parquet.Compression(&parquet.Zstd)); err != nil {
		return "", fmt.Errorf("demo: write %s: %w", path, err)
	}
	return path, nil
}
