package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/parquet-go/parquet-go"
)

// mixedRow is one row of the generated file: 12 columns of mixed types,
// several with nulls.
type mixedRow struct {
	ID       int64     `parquet:"id"`
	TS       time.Time `parquet:"ts,timestamp(microsecond)"`
	Amount   *float64  `parquet:"amount,optional"`
	Score    float32   `parquet:"score"`
	Count    *int32    `parquet:"count,optional"`
	Small    int8      `parquet:"small"`
	Flag     *bool     `parquet:"flag,optional"`
	Country  string    `parquet:"country,dict"`
	Category *string   `parquet:"category,optional,dict"`
	Code     string    `parquet:"code"`
	Ratio    float64   `parquet:"ratio"`
	Big      *int64    `parquet:"big,optional"`
}

var countries = []string{"US", "DE", "FR", "JP", "BR", "IN", "CN", "GB", "CA", "AU", "MX", "ES"}

func ensureGenerated(path string, rows int) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "generating %s (%d rows)...\n", path, rows)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	w := parquet.NewGenericWriter[mixedRow](f, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(1<<20))
	rng := rand.New(rand.NewPCG(1, 2))
	batch := make([]mixedRow, 0, 8192)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		batch = append(batch, genRow(rng, i, base))
		if len(batch) == cap(batch) || i == rows-1 {
			if _, err := w.Write(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func genRow(rng *rand.Rand, i int, base time.Time) mixedRow {
	r := mixedRow{
		ID:      int64(i),
		TS:      base.Add(time.Duration(rng.Int64N(365*24*3600)) * time.Second),
		Score:   float32(rng.NormFloat64()),
		Small:   int8(rng.IntN(256) - 128),
		Country: countries[int(math.Abs(rng.NormFloat64()*3))%len(countries)],
		Code:    fmt.Sprintf("C%07d", rng.IntN(5_000_000)),
		Ratio:   rng.Float64(),
	}
	if rng.IntN(10) > 0 {
		v := math.Exp(rng.NormFloat64()*1.5 + 3)
		r.Amount = &v
	}
	if rng.IntN(20) > 0 {
		v := int32(rng.IntN(1000))
		r.Count = &v
	}
	if rng.IntN(4) > 0 {
		v := rng.IntN(2) == 0
		r.Flag = &v
	}
	if rng.IntN(8) > 0 {
		v := fmt.Sprintf("cat-%02d", rng.IntN(40))
		r.Category = &v
	}
	if rng.IntN(3) > 0 {
		v := rng.Int64()
		r.Big = &v
	}
	return r
}
