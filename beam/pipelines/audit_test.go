package pipelines

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// rowExpectations writes expectations for schema that need the row pass:
// duplicate rows, uniqueness of the first column, a pattern on the first
// string column and a rule on the first integer column, all strict enough
// to fail on most data (so examples are collected).
func rowExpectations(schema *arrow.Schema) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	var b strings.Builder
	b.WriteString("version: 1\nduplicate_rows: {max_fraction: 0}\ncolumns:\n")
	f0 := schema.Field(0).Name
	fmt.Fprintf(&b, "  %s: {unique: {}}\n", q(f0))
	var rule string
	for _, f := range schema.Fields()[1:] {
		switch f.Type.ID() {
		case arrow.STRING, arrow.LARGE_STRING:
			fmt.Fprintf(&b, "  %s: {pattern: {regex: '^[a-m]'}}\n", q(f.Name))
		case arrow.INT32, arrow.INT64:
			if rule == "" && isIdent(f.Name) {
				rule = fmt.Sprintf("rules:\n  - {name: small, expr: %s < 3}\n", f.Name)
			}
		}
	}
	return b.String() + rule
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// auditCase is one input: the row plan and what expect.Check returns.
type auditCase struct {
	in   string
	out  string
	rp   *expect.RowPass
	want *expect.CheckResult
}

// TestRowChecksEqualCheck: on prism, the row-pass pipeline, folded in
// part order on the workers, gives expect.Check's findings (what refit
// audit prints) on the conformance files and flights-200k, with
// expectations that need rows: duplicates, uniqueness, patterns, rules.
func TestRowChecksEqualCheck(t *testing.T) {
	shared := sharedDir(t)
	inputs := append(conformanceFiles(t), filepath.Join(shared, "datasets", "flights-200k.arrow"), flightsParts(t))
	dir := t.TempDir()
	opts := expect.CheckOptions{Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), MaxExamples: 3}
	p, s := beam.NewPipelineWithRoot()
	var cases []auditCase
	for i, in := range inputs {
		c, plan, ok := auditCaseOf(t, in, opts)
		if !ok {
			continue
		}
		c.out = filepath.Join(dir, fmt.Sprintf("rows-%d.json", i))
		WriteTo(s, c.out, RowChecks(s, plan))
		cases = append(cases, c)
	}
	if len(cases) < 3 {
		t.Fatalf("only %d inputs need a row pass", len(cases))
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	var findings int
	for _, c := range cases {
		b, err := os.ReadFile(c.out)
		if err != nil {
			t.Fatal(err)
		}
		var out expect.RowOutput
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		got, err := c.rp.Result(&out)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.want) {
			gb, _ := json.Marshal(got.Findings)
			wb, _ := json.Marshal(c.want.Findings)
			t.Errorf("%s: findings\n%s\nwant\n%s", filepath.Base(c.in), gb, wb)
		}
		findings += len(c.want.Findings)
	}
	if findings == 0 {
		t.Error("no findings: the expectations test nothing")
	}
	t.Logf("%d inputs compared, %d findings", len(cases), findings)
}

// auditCaseOf plans in's row checks; ok is false when refit cannot read
// in or plan the checks, which the test then asserts for Check too.
func auditCaseOf(t *testing.T, in string, opts expect.CheckOptions) (auditCase, RowPlan, bool) {
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{in}, ingest.Options{})
	if err != nil || ds.Schema().NumFields() == 0 {
		return auditCase{}, RowPlan{}, false
	}
	prof, err := profile.Scan(ctx, ds, profile.ScanOptions{})
	if err != nil {
		return auditCase{}, RowPlan{}, false
	}
	yaml := rowExpectations(ds.Schema())
	exp, err := expect.Decode([]byte(yaml), "e.yaml")
	if err != nil {
		t.Fatalf("%s: %v\n%s", in, err, yaml)
	}
	want, werr := expect.Check(ctx, ds, prof, exp, opts)
	profBytes, err := json.Marshal(prof)
	if err != nil {
		t.Fatal(err)
	}
	plan := NewRowPlan(Spec{Sources: []string{in}}, []byte(yaml), "e.yaml", profBytes, opts)
	rp, err := plan.build(ds)
	if err != nil && werr == nil {
		t.Fatalf("%s: plan error %v, Check none", in, err)
	}
	if err != nil || werr != nil || !rp.Needed() {
		t.Logf("%s: not compared (Check: %v)", filepath.Base(in), werr)
		return auditCase{}, RowPlan{}, false
	}
	return auditCase{in: in, rp: rp, want: want}, plan, true
}

// TestRowFoldOrder: whatever order parts arrive in and however bundles
// group them (accumulators through the coder), the row fold gives
// expect.Check's result.
func TestRowFoldOrder(t *testing.T) {
	in := flightsParts(t)
	opts := expect.CheckOptions{Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	c, plan, ok := auditCaseOf(t, in, opts)
	if !ok {
		t.Fatal("flights-200k needs no row pass")
	}
	ctx := context.Background()
	var parts []RowPart
	for i := range partsOf(t, in) {
		acc, err := c.rp.AddInput(ctx, c.rp.CreateAccumulator(), i)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(acc)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, RowPart{Part: i, Acc: b})
	}
	if len(parts) < 3 {
		t.Skipf("%d parts: too few to reorder", len(parts))
	}
	f := &rowFoldFn{Plan: plan}
	// Two bundles, each in reverse, the one without part 0 merged first.
	a, b := f.CreateAccumulator(), f.CreateAccumulator()
	for i := len(parts) - 1; i >= 0; i-- {
		acc := &a
		if i%2 == 1 {
			acc = &b
		}
		var err error
		if *acc, err = f.AddInput(*acc, parts[i]); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := encodeRowFold(b)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = decodeRowFold(enc); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ExtractOutput(b); err == nil {
		t.Error("a fold without part 0 extracted without error")
	}
	m, err := f.MergeAccumulators(b, a)
	if err != nil {
		t.Fatal(err)
	}
	outBytes, err := f.ExtractOutput(m)
	if err != nil {
		t.Fatal(err)
	}
	var out expect.RowOutput
	if err := json.Unmarshal(outBytes, &out); err != nil {
		t.Fatal(err)
	}
	got, err := c.rp.Result(&out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c.want) {
		t.Errorf("reordered fold differs from expect.Check")
	}
}

func partsOf(t *testing.T, in string) int {
	ds, err := ingest.Open(context.Background(), []string{in}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ds.Parts())
}

// flightsParts writes flights-200k as Parquet in row groups of 20,000
// rows (ten parts), so folds merge across parts.
func flightsParts(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{filepath.Join(sharedDir(t), "datasets", "flights-200k.arrow")}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "flights-parts.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := pqarrow.NewFileWriter(ds.Schema(), f, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(20_000)), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteBuffered(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
