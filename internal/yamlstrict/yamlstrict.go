// Package yamlstrict decodes YAML configuration strictly — unknown keys and
// wrong types are errors — and is the one home of positioned YAML
// problems: every loader (pipeline config, expectations, gate policies)
// reports each problem as an [*Error] naming the file, line, column and
// YAML path (data.time_colum, not a Go type), in the YAML's terms, with a
// "did you mean" for a mistyped key, all at once.
package yamlstrict

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Error is one problem of a YAML file at a place, as encoding/csv's
// ParseError is for CSV. Its message is "file:line:column: path: msg",
// leaving out a line or column of 0 and an empty path.
type Error struct {
	File   string // the file's name, or what the loader calls the document
	Line   int    // 1-based; 0 when unknown
	Column int    // 1-based; 0 when unknown
	// Path is what the problem is about: a key path ("schedules.0.cron")
	// or an item ("gate 2"); empty when the place says it all.
	Path string
	Msg  string
	// Err is the class of the problem (the loader's sentinel, such as
	// ErrConfig); Unwrap returns it. May be nil.
	Err error
}

func (e *Error) Error() string {
	b := []byte(e.File)
	if e.Line > 0 {
		b = strconv.AppendInt(append(b, ':'), int64(e.Line), 10)
		if e.Column > 0 {
			b = strconv.AppendInt(append(b, ':'), int64(e.Column), 10)
		}
	}
	if e.Path != "" {
		b = append(append(b, ": "...), e.Path...)
	}
	return string(append(append(b, ": "...), e.Msg...))
}

// Unwrap returns the class of the problem.
func (e *Error) Unwrap() error { return e.Err }

// Pos is a place in a YAML file; Line and Column are 1-based, 0 when
// unknown.
type Pos struct {
	File         string
	Line, Column int
}

// NodePos is the place of n in file.
func NodePos(file string, n *yaml.Node) Pos { return Pos{File: file, Line: n.Line, Column: n.Column} }

// Errorf returns the problem of class err at p about path.
func (p Pos) Errorf(err error, path, format string, args ...any) *Error {
	return &Error{File: p.File, Line: p.Line, Column: p.Column, Path: path, Msg: fmt.Sprintf(format, args...), Err: err}
}

// ErrEmpty is returned alone for a document with no content.
var ErrEmpty = errors.New("empty document")

// Decode decodes data into v with unknown keys forbidden, and parses it
// into a node tree for positions. It returns the tree and the decoding
// problems as Errors of file and class err (with the line yaml gives, no
// column, and Go type names shortened: "field x not found in type
// pkg.Gate" reads "field x not found in Gate"); problems do not stop the
// tree from being returned when the YAML itself parses. A document without
// content gives ErrEmpty.
func Decode(data []byte, v any, file string, err error) (*yaml.Node, []*Error, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var probs []*Error
	if derr := dec.Decode(v); errors.Is(derr, io.EOF) {
		return nil, nil, ErrEmpty
	} else if derr != nil {
		probs = problems(derr, file, err)
	}
	var root yaml.Node
	if perr := yaml.Unmarshal(data, &root); perr != nil {
		return nil, problems(perr, file, err), nil
	}
	for _, p := range probs {
		explain(&root, reflect.TypeOf(v), p)
	}
	return &root, probs, nil
}

var (
	lineMsg  = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	typeName = regexp.MustCompile(` in type [a-z][a-z0-9_]*\.`)
)

// problems splits a yaml.v3 error (a *yaml.TypeError holds several) into
// Errors with their lines.
func problems(yerr error, file string, err error) []*Error {
	msgs := []string{yerr.Error()}
	var te *yaml.TypeError
	if errors.As(yerr, &te) {
		msgs = te.Errors
	}
	out := make([]*Error, 0, len(msgs))
	for _, m := range msgs {
		p := &Error{File: file, Msg: m, Err: err}
		if sub := lineMsg.FindStringSubmatch(m); sub != nil {
			p.Line, _ = strconv.Atoi(sub[1])
			p.Msg = sub[2]
		}
		p.Msg = typeName.ReplaceAllString(p.Msg, " in ")
		out = append(out, p)
	}
	return out
}
