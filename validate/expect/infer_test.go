package expect

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

// inferAndCheck infers expectations from ds, round-trips them through the
// strict loader and checks ds against them.
func inferAndCheck(t *testing.T, ds *ingest.Dataset, prof *profile.Profile) *CheckResult {
	t.Helper()
	out, err := Infer(prof, InferOptions{Source: "test"}).Encode()
	if err != nil {
		t.Fatal(err)
	}
	exp, err := Decode(out, "inferred.yaml")
	if err != nil {
		t.Fatalf("inferred expectations do not load: %v\n%s", err, out)
	}
	res, err := Check(context.Background(), ds, prof, exp, CheckOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Errorf("auditing the data against its own inferred expectations gives findings: %+v\n%s", res.Findings, out)
	}
	return res
}

func TestInferChecksClean(t *testing.T) {
	ds, prof := tripData(t)
	res := inferAndCheck(t, ds, prof)
	if res.Checks < 15 {
		t.Errorf("only %d checks inferred", res.Checks)
	}
}

func TestInferFlights(t *testing.T) {
	for _, name := range []string{"flights-200k.arrow", "flights-3m.parquet"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(vtest.SharedDir(), "datasets", name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s not found (set REFIT_SHARED to the shared data folder)", path)
			}
			if testing.Short() && name == "flights-3m.parquet" {
				t.Skip("short")
			}
			ds, err := ingest.Open(context.Background(), []string{path}, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			prof, err := profile.Scan(context.Background(), ds, profile.ScanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res := inferAndCheck(t, ds, prof)
			t.Logf("%d checks, %d findings, row pass %v", res.Checks, len(res.Findings), res.RowPass)
		})
	}
}
