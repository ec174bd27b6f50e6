package reference

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The types of testdata/sample, mirrored (the sample package is parsed,
// not compiled).
type (
	root struct {
		Name  string  `yaml:"name"`
		Warn  float64 `yaml:"warn"`
		Alert float64 `yaml:"alert"`
		Other int     `yaml:"other"`
		Items []item  `yaml:"items"`
		Inner struct {
			Deep bool `yaml:"deep"`
		} `yaml:"inner"`
		Checks map[string]*item `yaml:"checks"`
		Hidden string           `yaml:"-"`
	}
	item struct {
		Key string `yaml:"key,omitempty"`
	}
)

func TestGenerate(t *testing.T) {
	parsed, err := ParseDocs("testdata/sample")
	if err != nil {
		t.Fatal(err)
	}
	// The mirror types live in package reference: rename the keys.
	docs := Docs{}
	for k, v := range parsed {
		k = strings.Replace(strings.Replace(k, "sample.Root", "reference.root", 1), "sample.Item", "reference.item", 1)
		docs[k] = v
	}
	var ex yaml.Node
	if err := yaml.Unmarshal([]byte("warn: 0.2\nitems: [{key: a}, {key: b}]\nchecks: {c1: {}, c2: {key: z}}\n"), &ex); err != nil {
		t.Fatal(err)
	}
	def := root{Alert: 0.5}
	f := Format{Root: reflect.TypeFor[root](), Defaults: reflect.ValueOf(def), Examples: []*yaml.Node{&ex}}
	entries, undocumented := Generate(f, docs, Docs{"reference.root.Checks": "Checks by name."})
	want := []Entry{
		{Key: "name", Type: "string", Doc: "`name` names it. Defaults to x.", DocKey: "reference.root.Name", Default: "x"},
		{Key: "warn", Type: "number", Doc: "`warn` and Alert are thresholds.", DocKey: "reference.root.Warn", Example: "0.2"},
		{Key: "alert", Type: "number", Doc: "Warn and Alert are thresholds.", DocKey: "reference.root.Alert", Default: "0.5"},
		{Key: "other", Type: "integer", DocKey: "reference.root.Other"},
		{Key: "items", Type: "list of mappings", Doc: "`items` are the entries.", DocKey: "reference.root.Items", Example: "[{key: a}]"},
		{Key: "items[].key", Type: "string", Doc: "`key` is a key.", DocKey: "reference.item.Key", Example: "a"},
		{Key: "inner", Type: "mapping", Doc: "", DocKey: "reference.root.Inner"},
		{Key: "inner.deep", Type: "boolean", Doc: "`deep` is deep.", DocKey: "reference.root.Inner.Deep"},
		{Key: "checks", Type: "map of string to mapping", Doc: "`checks` by name.", DocKey: "reference.root.Checks", Example: "{c1: {}, c2: {key: z}}"},
		{Key: "checks.<check>.key", Type: "string", Doc: "`key` is a key.", DocKey: "reference.item.Key", Example: "z"},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i := range want {
		if entries[i] != want[i] {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, entries[i], want[i])
		}
	}
	if got := strings.Join(undocumented, "; "); got != "other (reference.root.Other); inner (reference.root.Inner)" {
		t.Errorf("undocumented: %s", got)
	}
	stale := Stale(Docs{"reference.root.Checks": "x", "reference.root.Name": "y", "reference.gone.X": "z"}, docs, entries)
	if got := strings.Join(stale, " "); got != "reference.gone.X reference.root.Name" {
		t.Errorf("stale: %s", got)
	}
	md := Markdown(Format{Title: "T", Intro: "I"}, entries[:2])
	if !strings.Contains(md, "## `warn`\n\nnumber · example: `warn: 0.2`\n\n`warn` and Alert are thresholds.\n") {
		t.Errorf("markdown:\n%s", md)
	}
}
