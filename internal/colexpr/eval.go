package colexpr

import (
	"context"
	"fmt"
	"reflect"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/expr-lang/expr/vm"
)

// Eval evaluates the expression on every row of rec and returns the results:
// a Boolean, Int64, Float64, String or Timestamp(µs) array, with nulls where
// the row could not be evaluated because of a null. rec must have the
// columns the expression reads (by name, in any order). The caller releases
// the result.
func (p *Program) Eval(rec arrow.Record) (arrow.Array, error) {
	return p.EvalWith(memory.DefaultAllocator, rec)
}

// EvalWith is Eval with an allocator for the result.
func (p *Program) EvalWith(mem memory.Allocator, rec arrow.Record) (arrow.Array, error) {
	getters, err := p.bind(rec)
	if err != nil {
		return nil, err
	}
	env := make(map[string]any, len(p.cols))
	var machine vm.VM
	out := newResult(mem, p.kind, int(rec.NumRows()))
	defer out.release()
	for i := range int(rec.NumRows()) {
		hasNull := false
		for j, name := range p.cols {
			v := getters[j](i)
			hasNull = hasNull || v == nil
			env[name] = v
		}
		v, err := machine.Run(p.prog, env)
		if err != nil && !hasNull {
			return nil, fmt.Errorf("expression %q: row %d: %s", p.src, i, oneLine(err))
		}
		if err != nil {
			v = nil
		}
		if err := out.append(v); err != nil {
			return nil, fmt.Errorf("expression %q: row %d: %w", p.src, i, err)
		}
	}
	return out.finish(), nil
}

// bind finds the expression's columns in rec.
func (p *Program) bind(rec arrow.Record) ([]func(int) any, error) {
	getters := make([]func(int) any, len(p.cols))
	for j, name := range p.cols {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("expression %q: no column %q in the data", p.src, name)
		}
		g, err := getter(rec.Column(idx[0]))
		if err != nil {
			return nil, fmt.Errorf("expression %q: column %q: %w", p.src, name, err)
		}
		getters[j] = g
	}
	return getters, nil
}

// Filter returns the rows of rec where the expression is true; rows where it
// is false or null are dropped. The caller releases the result.
func Filter(p *Program, rec arrow.Record) (arrow.Record, error) {
	if err := p.MustBool(); err != nil {
		return nil, err
	}
	mask, err := p.Eval(rec)
	if err != nil {
		return nil, err
	}
	defer mask.Release()
	if _, ok := mask.(*array.Boolean); !ok {
		return nil, fmt.Errorf("expression %q: gives %s, want true/false", p.src, mask.DataType())
	}
	return compute.FilterRecordBatch(context.Background(), rec, mask, compute.DefaultFilterOptions())
}

// result builds the output array of one Eval.
type result struct {
	kind    reflect.Kind
	mem     memory.Allocator
	n       int
	b       array.Builder // nil until the kind is known
	pending int           // nulls seen before the kind was known
}

func newResult(mem memory.Allocator, kind reflect.Kind, n int) *result {
	r := &result{kind: kind, mem: mem, n: n}
	if kind != reflect.Interface {
		r.start(kind)
	}
	return r
}

var timestampUS = &arrow.TimestampType{Unit: arrow.Microsecond}

func (r *result) start(kind reflect.Kind) {
	r.kind = kind
	switch kind {
	case reflect.Bool:
		r.b = array.NewBooleanBuilder(r.mem)
	case reflect.Int64:
		r.b = array.NewInt64Builder(r.mem)
	case reflect.String:
		r.b = array.NewStringBuilder(r.mem)
	case reflect.Struct:
		r.b = array.NewTimestampBuilder(r.mem, timestampUS)
	default:
		r.kind = reflect.Float64
		r.b = array.NewFloat64Builder(r.mem)
	}
	r.b.Reserve(r.n)
}

// append adds one value; a value of the wrong kind is an error.
func (r *result) append(v any) error {
	if v == nil {
		if r.b == nil {
			r.pending++
			return nil
		}
		r.b.AppendNull()
		return nil
	}
	if r.b == nil {
		r.start(kindOf(v))
		for range r.pending {
			r.b.AppendNull()
		}
	}
	return appendValue(r.b, r.kind, v)
}
