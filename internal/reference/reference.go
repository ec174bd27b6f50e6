// Package reference generates the Markdown reference of a YAML file format
// from the Go types it decodes into, so that the reference cannot drift
// from the code: the keys and their types come from reflection over the
// structs (their yaml tags), the descriptions from the fields' doc
// comments (read from the source by [ParseDocs]) or, for fields without
// one, from a table of extra entries, and the examples from example files
// that the tests decode.
//
// Generate reports every key with no description, and every extra entry
// that no longer matches a field or duplicates a doc comment, so that a
// test can keep both complete.
package reference

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Format describes one file format.
type Format struct {
	// Title and Intro open the page (Markdown).
	Title, Intro string
	// Root is the type the file decodes into.
	Root reflect.Type
	// Defaults, when set, is a value of Root with the defaults filled in;
	// its non-zero fields are shown as the keys' defaults.
	Defaults reflect.Value
	// Types names the types that decode themselves (yaml.Unmarshaler) or
	// need a friendlier name than their kind, by "pkg.Type".
	Types map[string]string
	// Examples are YAML documents of the format; a key's example is its
	// value in the first one that has it.
	Examples []*yaml.Node
	// Skip lists keys (as Entry.Key) not to describe further: the fields
	// of a struct documented as a whole.
	Skip []string
}

// Entry is one key of a format.
type Entry struct {
	// Key is the key's path: "drift.warn", "evaluate.gates[].metric",
	// "columns.<column>.nulls.max_fraction".
	Key string
	// Type is the YAML type, e.g. "number", "list of strings".
	Type string
	// Doc is the description; DocKey ("pkg.Type.Field") names it.
	Doc, DocKey string
	// Default and Example are YAML text, "" when none.
	Default, Example string
}

// Docs are descriptions by "pkg.Type.Field" ("pipeline.DriftConfig.Warn";
// fields of an anonymous struct type continue the path:
// "pipeline.OptimizeConfig.Prune.Sparsity").
type Docs map[string]string

// Generate walks f's types and returns the entries, in field order, and
// the keys with no description, as "key (pkg.Type.Field)". Descriptions
// come from docs, then from extra, then from the doc of the field's type.
func Generate(f Format, docs, extra Docs) (entries []Entry, undocumented []string) {
	w := &walker{f: f, docs: docs, extra: extra, used: map[string]bool{}}
	w.walk(f.Root, "", "", f.Defaults)
	return w.entries, w.undocumented
}

// Stale lists the entries of extra that describe no field of entries, or
// a field that has its own doc comment in docs: they should go.
func Stale(extra, docs Docs, entries []Entry) []string {
	used := map[string]bool{}
	for _, e := range entries {
		used[e.DocKey] = true
	}
	var out []string
	for k := range extra {
		if !used[k] || docs[k] != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

type walker struct {
	f            Format
	docs, extra  Docs
	used         map[string]bool
	entries      []Entry
	undocumented []string
}

// walk adds the keys of struct type t under prefix; docPrefix is
// "pkg.Type" or the path of an anonymous struct.
func (w *walker) walk(t reflect.Type, prefix, docPrefix string, def reflect.Value) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
		def = deref(def)
	}
	if docPrefix == "" {
		docPrefix = typeName(t)
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, inline := yamlName(sf)
		if name == "-" || !sf.IsExported() {
			continue
		}
		fdef := field(def, i)
		if inline {
			w.walk(sf.Type, prefix, "", fdef)
			continue
		}
		w.add(sf, prefix+name, docPrefix+"."+sf.Name, fdef)
	}
}

// add adds one key and, for a struct, list of structs or map of structs,
// its keys.
func (w *walker) add(sf reflect.StructField, key, docKey string, def reflect.Value) {
	doc := w.docs[docKey]
	if doc == "" {
		doc = w.extra[docKey]
	}
	if doc == "" {
		// A field of a documented type, such as drift (DriftConfig):
		// the type's doc describes it.
		doc = w.docs[typeName(elemType(sf.Type))]
	}
	w.used[docKey] = true
	if doc == "" {
		w.undocumented = append(w.undocumented, key+" ("+docKey+")")
	}
	if rest, ok := strings.CutPrefix(doc, sf.Name+" "); ok {
		doc = "`" + key[strings.LastIndexAny(key, ".]")+1:] + "` " + rest
	}
	e := Entry{Key: key, Type: w.typeText(sf.Type), Doc: doc, DocKey: docKey, Default: defaultText(def, doc), Example: w.example(key)}
	w.entries = append(w.entries, e)
	if slices.Contains(w.f.Skip, key) {
		return
	}
	t, suffix := sf.Type, ""
	for {
		switch {
		case t.Kind() == reflect.Pointer:
			t = t.Elem()
			continue
		case t.Kind() == reflect.Slice && w.named(t) == "":
			t, suffix = t.Elem(), suffix+"[]"
			continue
		case t.Kind() == reflect.Map:
			t, suffix = t.Elem(), suffix+".<"+mapKeyName(key)+">"
			continue
		}
		break
	}
	if t.Kind() != reflect.Struct || w.named(t) != "" {
		return
	}
	sub := ""
	if t.Name() == "" { // anonymous: continue the field's path
		sub = docKey
	}
	if suffix != "" {
		def = reflect.Value{}
	}
	w.walk(t, key+suffix+".", sub, def)
}

// elemType is t without pointers and slices.
func elemType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

// named is the name f.Types gives t, "" when none.
func (w *walker) named(t reflect.Type) string { return w.f.Types[typeName(t)] }

// typeText names a field's YAML type.
func (w *walker) typeText(t reflect.Type) string {
	if n := w.named(t); n != "" {
		return n
	}
	switch t.Kind() {
	case reflect.Pointer:
		return w.typeText(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		return "list of " + plural(w.typeText(t.Elem()))
	case reflect.Map:
		return "map of " + w.typeText(t.Key()) + " to " + w.typeText(t.Elem())
	case reflect.Struct:
		return "mapping"
	}
	return t.Kind().String()
}

func plural(s string) string {
	switch {
	case strings.HasPrefix(s, "list of "), strings.HasPrefix(s, "map of "), strings.Contains(s, " "):
		return s
	case s == "mapping":
		return "mappings"
	}
	return s + "s"
}

// mapKeyName names the keys of a map in a key path: "columns" → "column".
func mapKeyName(key string) string {
	last := key[strings.LastIndexAny(key, ".]")+1:]
	if s, ok := strings.CutSuffix(last, "s"); ok && s != "" {
		return s
	}
	return "name"
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return ""
	}
	pkg := t.PkgPath()
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + t.Name()
}

// yamlName is a field's key and whether it is inlined.
func yamlName(sf reflect.StructField) (string, bool) {
	tag := sf.Tag.Get("yaml")
	name, opts, _ := strings.Cut(tag, ",")
	if slices.Contains(strings.Split(opts, ","), "inline") {
		return "", true
	}
	if name == "" {
		name = strings.ToLower(sf.Name)
	}
	return name, false
}

func deref(v reflect.Value) reflect.Value {
	if v.IsValid() && v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}
		}
		return v.Elem()
	}
	return v
}

func field(v reflect.Value, i int) reflect.Value {
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.Field(i)
}

// defaultsPhrase finds "Defaults to X" in a description.
var defaultsPhrase = regexp.MustCompile(`Defaults? to ([^\n]+?)(\.\s|\.$|;|:\s|$)`)

// defaultText is the default of a key: the value in the defaults when it
// is set there, else what its description says.
func defaultText(v reflect.Value, doc string) string {
	v = deref(v)
	if v.IsValid() && !v.IsZero() && v.Kind() != reflect.Struct {
		if b, err := yaml.Marshal(v.Interface()); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	if m := defaultsPhrase.FindStringSubmatch(strings.Join(strings.Fields(doc), " ")); m != nil {
		return m[1]
	}
	return ""
}

// example finds key in the example documents and returns its value as
// one line of YAML.
func (w *walker) example(key string) string {
	for _, doc := range w.f.Examples {
		if n := lookup(doc, key); n != nil {
			return flow(n)
		}
	}
	return ""
}

// lookup follows a key path ("a.b[].c", "a.<x>.c") in a document: []
// and <x> take the first element of a list, or value of a mapping, that
// has the rest of the path.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return find(n, strings.Split(key, "."))
}

func find(n *yaml.Node, parts []string) *yaml.Node {
	if len(parts) == 0 || n == nil {
		return n
	}
	name, list := strings.CutSuffix(parts[0], "[]")
	var cands []*yaml.Node
	if strings.HasPrefix(name, "<") {
		if n.Kind == yaml.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				cands = append(cands, n.Content[i])
			}
		}
	} else if v := mapValue(n, name); v != nil {
		cands = []*yaml.Node{v}
	}
	if list {
		var elems []*yaml.Node
		for _, c := range cands {
			if c.Kind == yaml.SequenceNode {
				elems = append(elems, c.Content...)
			}
		}
		cands = elems
	}
	for _, c := range cands {
		if got := find(c, parts[1:]); got != nil {
			return got
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// flow renders a node as one line of YAML: a list shows its first
// element, and an example longer than a line is left out.
func flow(n *yaml.Node) string {
	c := *n
	if c.Kind == yaml.SequenceNode && len(c.Content) > 1 && c.Content[0].Kind != yaml.ScalarNode {
		c.Content = c.Content[:1]
	}
	setFlow(&c)
	b, err := yaml.Marshal(&c)
	if err != nil {
		return ""
	}
	if out := strings.TrimSpace(string(b)); len(out) <= 100 {
		return out
	}
	return ""
}

func setFlow(n *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
		content := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			cc := *c
			setFlow(&cc)
			content[i] = &cc
		}
		n.Content = content
	}
}

// Markdown renders a format's page.
func Markdown(f Format, entries []Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n<!-- Generated from the Go types by internal/reference: do not edit; run go test ./docs -update. -->\n\n%s\n", f.Title, strings.TrimSpace(f.Intro))
	for _, e := range entries {
		level := "##"
		if strings.ContainsAny(e.Key, ".[") {
			level = "###"
		}
		fmt.Fprintf(&b, "\n%s `%s`\n\n%s", level, e.Key, e.Type)
		if e.Default != "" {
			fmt.Fprintf(&b, " · default: `%s`", e.Default)
		}
		if e.Example != "" {
			fmt.Fprintf(&b, " · example: `%s: %s`", e.Key[strings.LastIndexAny(e.Key, ".]")+1:], e.Example)
		}
		fmt.Fprintf(&b, "\n\n%s\n", docText(e.Doc))
	}
	return b.String()
}

// docText turns a Go doc comment into Markdown: its headings ("# How")
// become bold lines, so that they do not break the page's outline.
func docText(doc string) string {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if h, ok := strings.CutPrefix(l, "# "); ok {
			lines[i] = "**" + h + "**"
		}
	}
	return strings.Join(lines, "\n")
}
