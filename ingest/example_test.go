package ingest_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
)

// Reading a Hive-partitioned directory: the month=... directories become a
// column, and records come back in file order.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	type row struct {
		Delay int64 `parquet:"delay"`
	}
	for month, delays := range map[string][]row{"1": {{5}, {-2}}, "2": {{40}}} {
		path := filepath.Join(dir, "month="+month, "part-0.parquet")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := parquet.WriteFile(path, delays); err != nil {
			log.Fatal(err)
		}
	}

	ds, err := ingest.Open(context.Background(), []string{dir}, ingest.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.NumRows(), "rows")
	for rec, err := range ds.Records(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		// rec is valid until the next iteration; Retain it to keep it.
		fmt.Printf("%s=%v %s=%v\n", rec.ColumnName(0), rec.Column(0), rec.ColumnName(1), rec.Column(1))
	}
	// Output:
	// 3 rows
	// delay=[5 -2] month=[1 1]
	// delay=[40] month=[2]
}
