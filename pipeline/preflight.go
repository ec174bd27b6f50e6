package pipeline

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/suggest"
	"go.yaml.in/yaml/v3"
)

// Preflight checks what of the configuration can only be checked against
// the data, before any data is read and before the workspace is touched:
// every source matches files, and the time column, the features and the
// columns of the label and slice expressions exist in the data's schema
// (read from the files' footers and headers only; when a file cannot be
// read, the columns are left to the run, which records the file's error).
// Problems are reported
// all at once, each with the file and line of its key and a "did you
// mean" among the data's columns, in an error wrapping ErrConfig. Run and
// Audit call it first, so a mistyped column fails in well under a second
// and leaves no run record.
func Preflight(ctx context.Context, cfg *Config, opts ingest.Options) error {
	p := &problems{path: cfg.file, root: cfg.root}
	var found []string // the sources that match files
	for i, src := range cfg.Sources() {
		if _, err := ingest.Discover(ctx, src); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			p.add(sourceKeys(cfg, i), "%q: %s", cfg.Data.Source[i], discoverProblem(err))
			continue
		}
		found = append(found, src)
	}
	if len(found) == 0 {
		return p.err()
	}
	ds, err := ingest.Open(ctx, found, opts)
	if err != nil {
		// A damaged or stray file is the data's problem, not the
		// configuration's: the run reads it again and records the error.
		return p.err()
	}
	cfg.checkColumns(p, ds.Schema())
	return p.err()
}

// sourceKeys is the YAML path of the i-th source: data.source when it is
// one string, data.source.i in a list.
func sourceKeys(cfg *Config, i int) []string {
	keys := []string{"data", "source"}
	root := cfg.root
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if n, _ := child(root, "data"); n != nil {
		if s, _ := child(n, "source"); s != nil && s.Kind == yaml.SequenceNode {
			keys = append(keys, strconv.Itoa(i))
		}
	}
	return keys
}

// discoverProblem is ingest's error about a source without its prefix
// ("ingest PATH: invalid input: ").
func discoverProblem(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ingest.ErrInvalidInput.Error()+": "); i >= 0 {
		msg = msg[i+len(ingest.ErrInvalidInput.Error())+2:]
	}
	return msg
}

// checkColumns checks the columns the configuration names against schema.
func (c *Config) checkColumns(p *problems, schema *arrow.Schema) {
	names := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		names[i] = f.Name
	}
	have := func(keys []string, col string) bool {
		if slices.Contains(names, col) {
			return true
		}
		p.add(keys, "column %q is not in the data%s", col, suggest.Hint(col, names))
		return false
	}
	if tc := c.Data.TimeColumn; tc != "" && have([]string{"data", "time_column"}, tc) {
		if f, _ := schema.FieldsByName(tc); len(f) > 0 && !isTime(f[0].Type) {
			p.add([]string{"data", "time_column"}, "column %q is %s: want a timestamp or a date", tc, f[0].Type)
		}
	}
	for i, f := range c.Train.Features {
		have([]string{"train", "features", strconv.Itoa(i)}, f)
	}
	checkColumnExpr(p, []string{"train", "label"}, c.Train.Label, schema, names)
	if c.Coverage.Label != c.Train.Label {
		checkColumnExpr(p, []string{"coverage", "label"}, c.Coverage.Label, schema, names)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Coverage.Slices)) {
		checkColumnExpr(p, []string{"coverage", "slices", name}, c.Coverage.Slices[name], schema, names)
	}
}

func isTime(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return true
	}
	return false
}

var unknownName = regexp.MustCompile(`unknown name (\S+)`)

// checkColumnExpr compiles an expression against the schema; an unknown
// name gets a "did you mean" among the columns.
func checkColumnExpr(p *problems, keys []string, src string, schema *arrow.Schema, names []string) {
	if src == "" {
		return
	}
	_, err := colexpr.Compile(src, schema)
	if err == nil {
		return
	}
	msg := strings.TrimPrefix(err.Error(), colexpr.ErrInvalid.Error()+" ")
	if m := unknownName.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("%q: column %q is not in the data%s", src, m[1], suggest.Hint(m[1], names))
	}
	p.add(keys, "%s", msg)
}
