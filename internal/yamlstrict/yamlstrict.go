// Package yamlstrict decodes YAML configuration strictly — unknown keys and
// wrong types are errors — and reports every problem with its line and its
// YAML path (data.time_colum, not a Go type), with a "did you mean" for a
// mistyped key, so a loader can show them all at once in its own error
// type.
package yamlstrict

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Problem is one decoding problem: its 1-based line (0 when yaml gives
// none), the YAML path of the key it is about ("data.time_colum",
// "schedules.0.cron"; "" when unknown) and yaml's message without the line
// prefix. Explained says the same in the YAML's terms.
type Problem struct {
	Line int
	Path string
	Msg  string

	explained string
}

// Explained says what is wrong in the YAML's terms, for a reader who
// knows the file and not the Go types: "unknown key (did you mean
// "time_column"?)" rather than "field time_colum not found in type
// pipeline.Data", "want a whole number, got "many"" rather than "cannot
// unmarshal !!str `many` into int". It is Msg when there is no better way
// to say it.
func (p Problem) Explained() string {
	if p.explained == "" {
		return p.Msg
	}
	return p.explained
}

// ErrEmpty is returned alone for a document with no content.
var ErrEmpty = errors.New("empty document")

// Decode decodes data into v with unknown keys forbidden, and parses it
// into a node tree for positions. It returns the tree and the problems;
// decoding problems do not stop the tree from being returned when the YAML
// itself parses. A document without content gives ErrEmpty.
func Decode(data []byte, v any) (*yaml.Node, []Problem, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var probs []Problem
	if err := dec.Decode(v); errors.Is(err, io.EOF) {
		return nil, nil, ErrEmpty
	} else if err != nil {
		probs = Problems(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Problems(err), nil
	}
	for i := range probs {
		probs[i] = explain(&root, reflect.TypeOf(v), probs[i])
	}
	return &root, probs, nil
}

var lineMsg = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// Problems splits a yaml.v3 error (a *yaml.TypeError holds several) into
// problems with their lines.
func Problems(err error) []Problem {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		p := Problem{Msg: m}
		if sub := lineMsg.FindStringSubmatch(m); sub != nil {
			p.Line, _ = strconv.Atoi(sub[1])
			p.Msg = sub[2]
		}
		out = append(out, p)
	}
	return out
}
