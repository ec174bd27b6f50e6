package ingest

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// filePlan turns the records of one file's decoder into records of the
// dataset schema.
type filePlan struct {
	cols []int        // decoder columns to read, in order
	out  []columnPlan // one per dataset column
}

// columnPlan says where one dataset column comes from in one file.
type columnPlan struct {
	src  int            // index into the decoded record; -1 for none
	cast arrow.DataType // non-nil when the file's type must widen
	part *Partition     // the file's partition value, for partition keys
}

// unify computes the dataset schema and every file's plan.
func (d *Dataset) unify() error {
	fields, origin, err := unifyColumns(d.files)
	if err != nil {
		return err
	}
	nfile := len(fields)
	if fields, err = d.addPartitions(fields); err != nil {
		return err
	}
	d.noteMissing(fields[:nfile], origin)
	if fields, err = project(fields, d.opts.Columns); err != nil {
		return err
	}
	d.schema = arrow.NewSchema(fields, nil)
	for _, fe := range d.files {
		fe.plan = planFile(fe, d.schema)
	}
	return nil
}

// unifyColumns merges the columns of every file, in first-seen order.
// origin[i] is the file that last widened column i.
func unifyColumns(files []*fileEntry) ([]arrow.Field, []string, error) {
	var fields []arrow.Field
	var origin []string
	index := make(map[string]int)
	for fi, fe := range files {
		for ci, f := range fe.schema.Fields() {
			name := fe.names[ci]
			i, ok := index[name]
			if !ok {
				index[name] = len(fields)
				fields = append(fields, arrow.Field{Name: name, Type: f.Type, Nullable: f.Nullable || fi > 0})
				origin = append(origin, fe.Path)
				continue
			}
			t, ok := widen(fields[i].Type, f.Type)
			if !ok {
				return nil, nil, incompatible(name, origin[i], fields[i].Type, fe.Path, f.Type)
			}
			if !arrow.TypeEqual(t, fields[i].Type) {
				origin[i] = fe.Path
			}
			fields[i].Type = t
			fields[i].Nullable = fields[i].Nullable || f.Nullable
		}
	}
	return fields, origin, nil
}

// noteMissing makes columns absent from some file nullable and warns.
func (d *Dataset) noteMissing(fields []arrow.Field, origin []string) {
	for i := range fields {
		for _, fe := range d.files {
			if !slices.Contains(fe.names, fields[i].Name) {
				fields[i].Nullable = true
				d.warnings = append(d.warnings, fmt.Sprintf("ingest %s: no column %q (it is in %s); read as nulls", fe.Path, fields[i].Name, origin[i]))
			}
		}
	}
}

// addPartitions appends one column per Hive partition key.
func (d *Dataset) addPartitions(fields []arrow.Field) ([]arrow.Field, error) {
	values := make(map[string][]Partition)
	var keys []string
	for _, fe := range d.files {
		for _, p := range fe.Partitions {
			if _, ok := values[p.Key]; !ok {
				keys = append(keys, p.Key)
			}
			values[p.Key] = append(values[p.Key], p)
		}
	}
	for _, k := range keys {
		if slices.ContainsFunc(fields, func(f arrow.Field) bool { return f.Name == k }) {
			return nil, fmt.Errorf("%w: partition directory %s= has the name of a column in the files", ErrInvalidInput, k)
		}
		nullable := len(values[k]) < len(d.files) || slices.ContainsFunc(values[k], func(p Partition) bool { return p.Null })
		fields = append(fields, arrow.Field{Name: k, Type: partitionType(values[k]), Nullable: nullable})
	}
	return fields, nil
}

func planFile(fe *fileEntry, schema *arrow.Schema) filePlan {
	var p filePlan
	for _, f := range schema.Fields() {
		cp := columnPlan{src: -1}
		if i := slices.IndexFunc(fe.Partitions, func(p Partition) bool { return p.Key == f.Name }); i >= 0 {
			cp.part = &fe.Partitions[i]
		} else if ci := slices.Index(fe.names, f.Name); ci >= 0 {
			cp.src = len(p.cols)
			p.cols = append(p.cols, ci)
			if t := fe.schema.Field(ci).Type; !arrow.TypeEqual(t, f.Type) {
				cp.cast = f.Type
			}
		}
		p.out = append(p.out, cp)
	}
	return p
}

// adapt builds a record of schema from rec, a record of the plan's decoder
// columns. The caller releases the result.
func (p *filePlan) adapt(ctx context.Context, mem memory.Allocator, schema *arrow.Schema, rec arrow.Record) (arrow.Record, error) {
	n := int(rec.NumRows())
	cols := make([]arrow.Array, len(p.out))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, cp := range p.out {
		col, err := cp.column(ctx, mem, schema.Field(i), rec, n)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", schema.Field(i).Name, err)
		}
		cols[i] = col
	}
	return array.NewRecord(schema, cols, int64(n)), nil
}

// column returns one dataset column for a record of n rows; the caller
// releases it.
func (cp columnPlan) column(ctx context.Context, mem memory.Allocator, f arrow.Field, rec arrow.Record, n int) (arrow.Array, error) {
	switch {
	case cp.part != nil:
		return partitionArray(mem, f.Type, *cp.part, n), nil
	case cp.src < 0:
		return array.MakeArrayOfNull(mem, f.Type, n), nil
	case cp.cast != nil:
		return compute.CastArray(compute.WithAllocator(ctx, mem), rec.Column(cp.src), compute.SafeCastOptions(cp.cast))
	}
	col := rec.Column(cp.src)
	col.Retain()
	return col, nil
}

// partitionArray repeats a partition value n times.
func partitionArray(mem memory.Allocator, t arrow.DataType, p Partition, n int) arrow.Array {
	if p.Null {
		return array.MakeArrayOfNull(mem, t, n)
	}
	if t.ID() == arrow.INT64 {
		v, _ := strconv.ParseInt(p.Value, 10, 64) // partitionType checked it parses
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.Reserve(n)
		for range n {
			b.UnsafeAppend(v)
		}
		return b.NewArray()
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	b.ReserveData(n * len(p.Value))
	for range n {
		b.Append(p.Value)
	}
	return b.NewArray()
}
