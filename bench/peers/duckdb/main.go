// Command duckdb-peer measures `refit profile` against DuckDB's SUMMARIZE
// on the same Parquet files in the same run, and prints the ratio of their
// times (refit / DuckDB; below 1 means refit is faster) with refit's peak
// memory.
//
//	cd bench/peers/duckdb && go run . -shared ../../../../shared
//
// It lives in its own module so the main module never depends on DuckDB.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	shared := flag.String("shared", "../../../../shared", "the shared data directory")
	work := flag.String("work", filepath.Join(os.TempDir(), "refit-peer"), "where the generated file and the refit binary go")
	sizes := flag.String("rows", "2000000,20000000", "rows of the generated files, comma-separated (peak memory must not grow with rows)")
	runs := flag.Int("runs", 3, "timed runs of each tool per file (the median is reported)")
	threads := flag.Int("threads", 2, "DuckDB threads")
	flag.Parse()
	if err := os.MkdirAll(*work, 0o755); err != nil {
		log.Fatal(err)
	}
	refit, err := buildRefit(*work)
	if err != nil {
		log.Fatal(err)
	}
	files := []string{filepath.Join(*shared, "datasets", "flights-3m.parquet")}
	for _, s := range strings.Split(*sizes, ",") {
		rows, err := strconv.Atoi(s)
		if err != nil {
			log.Fatalf("-rows %q: %v", s, err)
		}
		gen := filepath.Join(*work, fmt.Sprintf("mixed-%d.parquet", rows))
		if err := ensureGenerated(gen, rows); err != nil {
			log.Fatal(err)
		}
		files = append(files, gen)
	}
	fmt.Printf("%-28s %12s %12s %8s %14s\n", "file", "duckdb", "refit", "ratio", "refit peak RSS")
	for _, f := range files {
		d, err := timeDuckDB(f, *threads, *runs)
		if err != nil {
			log.Fatal(err)
		}
		r, rss, err := timeRefit(refit, f, *runs)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-28s %12s %12s %8.2f %11d MiB\n", filepath.Base(f), d.Round(time.Millisecond), r.Round(time.Millisecond), r.Seconds()/d.Seconds(), rss>>20)
	}
}

func buildRefit(work string) (string, error) {
	bin := filepath.Join(work, "refit")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/refit-ml/refit/cmd/refit")
	cmd.Dir = filepath.Join("..", "..", "..")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return bin, cmd.Run()
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func timeDuckDB(path string, threads, runs int) (time.Duration, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("SET threads=%d", threads)); err != nil {
		return 0, err
	}
	var times []time.Duration
	for range runs {
		start := time.Now()
		rows, err := db.QueryContext(ctx, fmt.Sprintf("SUMMARIZE SELECT * FROM read_parquet('%s')", path))
		if err != nil {
			return 0, err
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Close(); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start))
	}
	return median(times), nil
}

// timeRefit runs `refit profile` as a child process and reports the median
// time and the largest peak RSS.
func timeRefit(bin, path string, runs int) (time.Duration, int64, error) {
	var times []time.Duration
	var peak int64
	for range runs {
		cmd := exec.Command(bin, "profile", path, "--format", "json")
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("refit profile %s: %w", path, err)
		}
		times = append(times, time.Since(start))
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss*1024)
		}
	}
	return median(times), peak, nil
}
