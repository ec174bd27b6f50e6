// Command refitbench times refit's own inference on a dataset the way
// parity.js times ONNX Runtime on the exported model: model.Predictor on
// Arrow records of raw columns, preprocessing included, one goroutine;
// batch 1 (µs per call) and batch 1,024 (rows/s), the median of 5 rounds.
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
	fmt.Printf("  refit       %s (int8 kernel %s): batch 1 %.1f µs/call, batch 1024 %.3f M rows/s\n",
		filepath.Base(*modelPath), model.KernelISA(), one.Seconds()*1e6, 1024/big.Seconds()/1e6)
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

// timeIt returns the median time per Predict call over 5 rounds of ms
// milliseconds, after a warm-up.
func timeIt(p *model.Predictor, batches []arrow.Record, ms int) time.Duration {
	var dst []float32
	var err error
	for i := range 50 {
		if dst, err = p.Predict(batches[i%len(batches)], dst); err != nil {
			log.Fatal(err)
		}
	}
	var per []time.Duration
	for range 5 {
		n, t0 := 0, time.Now()
		for time.Since(t0) < time.Duration(ms)*time.Millisecond {
			dst, _ = p.Predict(batches[n%len(batches)], dst)
			n++
		}
		per = append(per, time.Since(t0)/time.Duration(n))
	}
	slices.Sort(per)
	return per[2]
}
