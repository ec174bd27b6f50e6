// Package colexpr evaluates expr-lang expressions (github.com/expr-lang/expr)
// over the rows of Arrow records: filters such as `month(date) <= 2`, labels
// such as `delay > 15`, derived columns and slices such as
// `origin in ["ANC", "HNL"]`.
//
// Columns are variables by name. Integers are int, floats and decimals
// float64, strings and dictionary strings string, timestamps and dates
// time.Time — naive (zone-less) timestamps as their wall clock in UTC, so
// hour(date) is the hour written in the data. Besides expr's built-ins there
// are hour, minute, second, weekday (0 = Sunday), day, month, year and
// dayofyear of a time, and is_null(x).
//
// A null in a row gives a null result when the expression cannot be
// evaluated with it (`delay > 15` for a null delay), so filters drop such
// rows and labels skip them; `delay == nil` still sees the null. Programs
// are safe for concurrent use.
package colexpr

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
)

// ErrInvalid marks an expression that does not compile against a schema.
var ErrInvalid = errors.New("invalid expression")

// Program is a compiled expression.
type Program struct {
	src  string
	prog *vm.Program
	cols []string     // referenced columns, in schema order
	kind reflect.Kind // result kind; Interface when only known at run time
}

// Compile compiles src against the columns of schema. Errors wrap
// ErrInvalid and quote the expression.
func Compile(src string, schema *arrow.Schema) (*Program, error) {
	env := make(map[string]any, schema.NumFields())
	for _, f := range schema.Fields() {
		if v, ok := zeroValue(f.Type); ok {
			env[f.Name] = v
		}
	}
	opts := append([]expr.Option{expr.Env(env)}, functions()...)
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %s", ErrInvalid, src, oneLine(err))
	}
	p := &Program{src: src, prog: prog, kind: resultKind(prog)}
	p.cols = referenced(prog.Node(), schema)
	return p, nil
}

// MustBool reports an error unless the expression yields booleans, for
// filters and binary labels.
func (p *Program) MustBool() error {
	if p.kind != reflect.Bool && p.kind != reflect.Interface {
		return fmt.Errorf("%w %q: gives %s, want a true/false condition", ErrInvalid, p.src, p.kind)
	}
	return nil
}

// Source is the expression's text.
func (p *Program) Source() string { return p.src }

// Columns lists the columns the expression reads.
func (p *Program) Columns() []string { return slices.Clone(p.cols) }

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func resultKind(prog *vm.Program) reflect.Kind {
	t := prog.Node().Type()
	if t == nil {
		return reflect.Interface
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String:
		return t.Kind()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return reflect.Int64
	case reflect.Float32, reflect.Float64:
		return reflect.Float64
	}
	if t == reflect.TypeOf(time.Time{}) {
		return reflect.Struct
	}
	return reflect.Interface
}

// referenced lists the schema columns that appear as identifiers.
func referenced(node ast.Node, schema *arrow.Schema) []string {
	v := &identVisitor{seen: map[string]bool{}}
	ast.Walk(&node, v)
	var cols []string
	for _, f := range schema.Fields() {
		if v.seen[f.Name] && !slices.Contains(cols, f.Name) {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

type identVisitor struct{ seen map[string]bool }

func (v *identVisitor) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok {
		v.seen[id.Value] = true
	}
}

func functions() []expr.Option {
	timeFn := func(name string, f func(time.Time) int) expr.Option {
		return expr.Function(name, func(args ...any) (any, error) {
			t, ok := args[0].(time.Time)
			if !ok {
				return nil, fmt.Errorf("%s wants a time, got %T", name, args[0])
			}
			return f(t), nil
		}, new(func(time.Time) int))
	}
	return []expr.Option{
		timeFn("hour", time.Time.Hour),
		timeFn("minute", time.Time.Minute),
		timeFn("second", time.Time.Second),
		timeFn("weekday", func(t time.Time) int { return int(t.Weekday()) }),
		timeFn("day", time.Time.Day),
		timeFn("month", func(t time.Time) int { return int(t.Month()) }),
		timeFn("year", time.Time.Year),
		timeFn("dayofyear", time.Time.YearDay),
		expr.Function("is_null", func(args ...any) (any, error) { return args[0] == nil, nil }, new(func(any) bool)),
	}
}
