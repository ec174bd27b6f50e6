// Command refitbench times refit's own inference on a dataset the way
// parity.js times ONNX Runtime on the exported model: model.Predictor on
// Arrow records of raw columns, preprocessing included, one goroutine;
// batch 1 (µs per call) and batch 1,024 (rows/s), the median of 5 rounds,
// in wall-clock and in CPU time.
//
//	cd bench/peers/onnx/refitbench && go run . -model M.refit -data june.parquet
//
// It lives in its own module, like ../gen, so nothing here touches the
// main module's build.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
)

func main() {
	modelPath := flag.String("model", "", "refit model file")
	data := flag.String("data", "", "dataset with the model's input columns")
	ms := flag.Int("ms", 600, "milliseconds per timing round at batch 1024 (half at batch 1)")
	flag.Parse()
	m, err := model.Load(*modelPath)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{*data}, ingest.Options{Columns: m.Preprocessor().Inputs()})
	if err != nil {
		log.Fatal(err)
	}
	var recs []arrow.Record
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		rec.Retain()
		recs = append(recs, rec)
	}
	p := m.NewPredictor()
	one := timeIt(p, slices1(recs, 1, 256), *ms/2)
	big := timeIt(p, slices1(recs, 1024, 256), *ms)
	fmt.Printf("  refit       %s (int8 kernel %s): batch 1 %.1f µs/call (CPU %.1f), batch 1024 %.3f M rows/s (CPU %.3f)\n",
		filepath.Base(*modelPath), model.KernelISA(), one.wall.Seconds()*1e6, one.cpu.Seconds()*1e6,
		1024/big.wall.Seconds()/1e6, 1024/big.cpu.Seconds()/1e6)
}

// slices1 cuts up to n batches of rows rows from the records.
func slices1(recs []arrow.Record, rows, n int) []arrow.Record {
	var out []arrow.Record
	for _, r := range recs {
		for lo := int64(0); lo+int64(rows) <= r.NumRows() && len(out) < n; lo += int64(rows) {
			out = append(out, r.NewSlice(lo, lo+int64(rows)))
		}
	}
	return out
}

// timing is the median time per call over 5 rounds: wall clock and the
// process's CPU time (user + system). On a loaded machine the CPU time is
// the steadier of the two.
type timing struct{ wall, cpu time.Duration }

// timeIt times Predict on the batches in 5 rounds of ms milliseconds,
// after a warm-up.
func timeIt(p *model.Predictor, batches []arrow.Record, ms int) timing {
	var dst []float32
	var err error
	for i := range 50 {
		if dst, err = p.Predict(batches[i%len(batches)], dst); err != nil {
			log.Fatal(err)
		}
	}
	var wall, cpu []time.Duration
	for range 5 {
		n, t0, c0 := 0, time.Now(), cpuTime()
		for time.Since(t0) < time.Duration(ms)*time.Millisecond {
			dst, _ = p.Predict(batches[n%len(batches)], dst)
			n++
		}
		wall = append(wall, time.Since(t0)/time.Duration(n))
		cpu = append(cpu, (cpuTime()-c0)/time.Duration(n))
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return timing{wall[2], cpu[2]}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
