package docs

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/reference"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/validate/expect"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite the reference pages")

// sourceDirs are the packages whose doc comments describe the formats'
// fields.
var sourceDirs = []string{"../pipeline", "../evaluate", "../validate/profile", "../validate/drift", "../validate/expect", "../validate/coverage", "../train"}

// types names the types that decode themselves or read better by name.
var types = map[string]string{
	"pipeline.Duration":   "duration (90m, 1h30m, 60d)",
	"pipeline.StringList": "string or list of strings",
	"expect.Bound":        "number, or a time (2001-01-31, 2001-01-31T06:00:00Z)",
	"time.Duration":       "duration (Go's syntax: 90m, 36h)",
	"expect.Severity":     "error or warn",
}

// TestReference regenerates the reference pages from the code and checks
// that the committed ones are equal (go test ./docs -update rewrites
// them), that every key has a description, and that no extra description
// is stale.
func TestReference(t *testing.T) {
	docs := reference.Docs{}
	for _, dir := range sourceDirs {
		d, err := reference.ParseDocs(dir)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range d {
			docs[k] = v
		}
	}
	var all []reference.Entry
	for _, f := range formats(t) {
		entries, undocumented := reference.Generate(f.Format, docs, extraDocs)
		all = append(all, entries...)
		t.Run(f.file, func(t *testing.T) {
			for _, k := range undocumented {
				t.Errorf("key %s has no description: add a doc comment to the field, or an entry to extraDocs", k)
			}
			got := reference.Markdown(f.Format, entries)
			if *update {
				if err := os.WriteFile(f.file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(f.file)
			if err != nil {
				t.Fatalf("%v (go test ./docs -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from what the code generates: run go test ./docs -update", f.file)
			}
		})
	}
	for _, k := range reference.Stale(extraDocs, docs, all) {
		t.Errorf("extraDocs[%q] describes no field, or one that has a doc comment now: remove it", k)
	}
}

type page struct {
	file string
	reference.Format
}

func formats(t *testing.T) []page {
	return []page{
		{"config.md", reference.Format{
			Title:    "refit.yaml reference",
			Intro:    configIntro,
			Root:     reflect.TypeFor[pipeline.Config](),
			Defaults: configDefaults(t),
			Types:    types,
			Examples: examples(t, "../pipeline/testdata/config/full.good.yaml", "../examples/flights/refit.yaml"),
			Skip:     []string{"expectations"},
		}},
		{"gate-policy.md", reference.Format{
			Title:    "Gate policy reference",
			Intro:    policyIntro,
			Root:     reflect.TypeFor[evaluate.Policy](),
			Types:    types,
			Examples: examples(t, "../evaluate/testdata/design.good.yaml"),
		}},
		{"expectations.md", reference.Format{
			Title:    "Expectations file reference",
			Intro:    expectationsIntro,
			Root:     reflect.TypeFor[expect.Expectations](),
			Types:    types,
			Examples: examples(t, "../validate/expect/testdata/expect_full.good.yaml"),
		}},
	}
}

// configDefaults is the config that a minimal file loads to, without the
// keys the minimal file sets: its other non-zero fields are defaults.
func configDefaults(t *testing.T) reflect.Value {
	cfg, err := pipeline.Parse([]byte("data: {source: d, time_column: t}\ntrain: {label: y, features: [x]}\n"), "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Data = pipeline.Data{}
	cfg.Train.Label, cfg.Train.Features, cfg.Coverage.Label = "", nil, ""
	return reflect.ValueOf(*cfg)
}

func examples(t *testing.T, paths ...string) []*yaml.Node {
	var out []*yaml.Node
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if err := yaml.Unmarshal(data, &n); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, &n)
	}
	return out
}

// TestPages checks that every topic's page is embedded.
func TestPages(t *testing.T) {
	for _, tp := range Topics {
		page, ok := Page(tp.Name)
		if !ok || !strings.HasPrefix(page, "# ") {
			t.Errorf("topic %s: no page", tp.Name)
		}
	}
	if _, ok := Page("nope"); ok {
		t.Error("a page for an unknown topic")
	}
	if got := strings.Join(Names(), " "); got != "config gate-policy expectations" {
		t.Errorf("Names = %s", got)
	}
}
