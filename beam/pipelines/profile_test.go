package pipelines

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// sharedDir is REFIT_SHARED, or the test is skipped.
func sharedDir(t *testing.T) string {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		t.Skip("REFIT_SHARED not set")
	}
	return dir
}

// wholeProfile is what refit profile -o writes for sources.
func wholeProfile(t *testing.T, sources []string) ([]byte, bool) {
	ctx := context.Background()
	ds, err := ingest.Open(ctx, sources, ingest.Options{})
	if err != nil {
		return nil, false
	}
	prof, err := profile.Scan(ctx, ds, profile.ScanOptions{})
	if err != nil {
		return nil, false
	}
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(prof); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), true
}

// conformanceFiles lists the Parquet conformance files refit profiles
// without error (the others are refused before a job is submitted), and
// the Arrow files of the integration corpus; in -short mode a sample.
func conformanceFiles(t *testing.T) []string {
	root := filepath.Join(sharedDir(t), "conformance")
	var files []string
	for _, pat := range []string{"parquet-testing/data/*.parquet", "arrow-testing/integration/*/*.arrow_file"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		files = append(files, m...)
	}
	sort.Strings(files)
	if testing.Short() && len(files) > 12 {
		var sample []string
		for i := 0; i < len(files); i += len(files) / 12 {
			sample = append(sample, files[i])
		}
		files = sample
	}
	return files
}

// TestProfileEqualsRefitProfile: on prism, the profile pipeline writes the
// same bytes as refit profile -o (profile.Scan, JSON-encoded)
// for every conformance file refit reads and for flights-200k. Bytes, not
// values: the pipeline folds the parts in the same order, so even the
// order-sensitive sketch merges must agree exactly.
func TestProfileEqualsRefitProfile(t *testing.T) {
	shared := sharedDir(t)
	inputs := append(conformanceFiles(t), filepath.Join(shared, "datasets", "flights-200k.arrow"))
	if !testing.Short() {
		inputs = append(inputs, filepath.Join(shared, "datasets", "flights-3m.parquet")) // 11 row groups
	}
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	want := map[string][]byte{}
	for i, in := range inputs {
		w, ok := wholeProfile(t, []string{in})
		if !ok {
			continue
		}
		path := filepath.Join(out, filepath.Base(in)+"."+string(rune('a'+i%26))+".json")
		want[path] = w
		WriteTo(s, path, Profile(s, Spec{Sources: []string{in}}))
	}
	if len(want) < 3 {
		t.Fatalf("only %d inputs profile without error", len(want))
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	for path, w := range want {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, w) {
			t.Errorf("%s: the pipeline's profile differs from refit profile's (%d vs %d bytes)",
				strings.TrimSuffix(filepath.Base(path), ".json"), len(got), len(w))
		}
	}
	t.Logf("%d inputs compared", len(want))
}

// TestFoldOrder: whatever order parts arrive in and however bundles group
// them, the fold merges them in part order.
func TestFoldOrder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(sharedDir(t), "datasets", "flights-3m.parquet") // 11 row groups
	ds, err := ingest.Open(ctx, []string{path}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var parts []ColumnPart
	for i, p := range ds.Parts() {
		prof, err := profile.Part(ctx, ds, p, profile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(prof.Column(3)) // origin: strings, exact counts

		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, ColumnPart{Part: i, Profile: b})
	}
	if len(parts) < 3 {
		t.Skipf("%d parts: too few to reorder", len(parts))
	}
	var f foldFn
	inOrder := f.CreateAccumulator()
	for _, cp := range parts {
		if inOrder, err = f.AddInput(inOrder, cp); err != nil {
			t.Fatal(err)
		}
	}
	want, err := f.ExtractOutput(inOrder)
	if err != nil {
		t.Fatal(err)
	}
	// Two bundles, each in reverse, the one without part 0 merged first.
	a, b := f.CreateAccumulator(), f.CreateAccumulator()
	for i := len(parts) - 1; i >= 0; i-- {
		acc := &a
		if i%2 == 1 {
			acc = &b
		}
		if *acc, err = f.AddInput(*acc, parts[i]); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := encodeFoldAcc(b) // through the coder, as between workers
	if err != nil {
		t.Fatal(err)
	}
	if b, err = decodeFoldAcc(enc); err != nil {
		t.Fatal(err)
	}
	m, err := f.MergeAccumulators(b, a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.ExtractOutput(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("reordered fold differs from the in-order fold")
	}
	if _, err := f.ExtractOutput(b); err == nil {
		t.Error("a fold without part 0 extracted without error")
	}
}
