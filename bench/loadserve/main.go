// Command loadserve load-tests refit's online scoring (issue 19) on
// loopback: it starts a serve.Server with scoring on a workspace that
// has a champion and a second version, in this process, listens on
// 127.0.0.1, and drives it with 2 client connections:
//
//   - json-rate: single-row JSON requests at a fixed rate (-rate),
//     latency p50/p99 (from each request's scheduled send time, so a
//     stall is not hidden by the sender waiting);
//   - json-peak: single-row JSON requests as fast as 2 connections go;
//   - arrow: Arrow IPC batches of -batch rows, rows/s end to end;
//   - noop: json-peak against a handler that does nothing (the ceiling
//     of the HTTP stack and the client on this machine, in the same run);
//   - swap: json-peak while the champion alias is promoted and rolled
//     back every -swap-every: failed requests, and every response's
//     version checked against the champions of the run.
//
// Every phase is bounded by -duration. Rows come from -data (the flights
// columns distance, date, origin, destination).
//
//	go run ./bench/loadserve -workspace WS -champion v0001 -other v0002 \
//	    -data /tmp/replay0/months/month=2001-06
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/serve"
)

func main() {
	ws := flag.String("workspace", "", "workspace with a champion (and -other registered)")
	other := flag.String("other", "", "version to promote and roll back in the swap phase")
	data := flag.String("data", "", "flights data for the request rows")
	dur := flag.Duration("duration", 10*time.Second, "length of each phase")
	rate := flag.Float64("rate", 1000, "requests/s of the json-rate phase")
	batch := flag.Int("batch", 4096, "rows per Arrow request")
	swapEvery := flag.Duration("swap-every", time.Second, "champion moves in the swap phase")
	gcPercent := flag.Int("gc-percent", 0, "the garbage collector's target, as serve.Options.GCPercent sets it (0: the runtime's, GOGC)")
	phases := flag.String("phases", "noop,json-rate,json-peak,arrow,swap", "phases to run, in order")
	flag.Parse()
	if *ws == "" || *data == "" {
		log.Fatal("-workspace and -data are required")
	}
	ctx := context.Background()
	abs, err := filepath.Abs(*ws)
	if err != nil {
		log.Fatal(err)
	}
	if *gcPercent > 0 {
		// What serve.Options.GCPercent does; set here so that the
		// harness also builds against servers without the option
		// (compare.sh).
		debug.SetGCPercent(*gcPercent)
	}
	base, stop, err := start(ctx, abs)
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	rows, err := loadRows(ctx, *data, *batch)
	if err != nil {
		log.Fatal(err)
	}
	lt := &loadTest{base: base, rows: rows, dur: *dur, ws: abs, other: *other, swapEvery: *swapEvery}
	for _, p := range strings.Split(*phases, ",") {
		if err := lt.run(ctx, p, *rate); err != nil {
			log.Fatalf("%s: %v", p, err)
		}
	}
	printHistogram(base)
}

// printHistogram prints the server's own latency histogram (handler
// time, all phases) from /metrics.
func printHistogram(base string) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("server-side latency (all phases):")
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "refit_infer_request_duration_seconds") {
			fmt.Println("  " + line)
		}
	}
}

// start serves the workspace's champion on 127.0.0.1 and returns the
// base URL and the shutdown.
func start(ctx context.Context, ws string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "loadserve")
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "refit.yaml")
	yaml := fmt.Sprintf("data: {source: %s, time_column: date}\ntrain: {label: delay > 15, features: [distance]}\nworkspace: %s\nschedules:\n  - {name: never, cron: \"0 0 1 1 *\", job: audit}\n", dir, ws)
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		return "", nil, err
	}
	cfg, err := pipeline.Load(path)
	if err != nil {
		return "", nil, err
	}
	srv, err := serve.New(ctx, cfg, serve.Options{Logger: slog.New(slog.DiscardHandler), Scoring: &serve.ScoringOptions{AllVersions: true}})
	if err != nil {
		return "", nil, err
	}
	if err := srv.Start(ctx); err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		_ = hs.Close()
		_ = srv.Stop(ctx)
		os.RemoveAll(dir)
	}, nil
}
