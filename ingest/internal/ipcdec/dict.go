package ipcdec

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// Dictionary-encoded IPC columns are decoded to plain arrays of their value
// type, so that everything downstream sees one representation per type: a
// dictionary<int8, utf8> column reads as utf8. Dictionaries inside lists,
// large lists, fixed-size lists and structs are decoded too; those inside
// maps, unions, list views and run-end encoded arrays stay encoded.

// plainType returns dt with every dictionary type it can decode replaced by
// its value type.
func plainType(dt arrow.DataType) arrow.DataType {
	switch t := dt.(type) {
	case *arrow.DictionaryType:
		return plainType(t.ValueType)
	case *arrow.ListType:
		return arrow.ListOfField(plainField(t.ElemField()))
	case *arrow.LargeListType:
		return arrow.LargeListOfField(plainField(t.ElemField()))
	case *arrow.FixedSizeListType:
		return arrow.FixedSizeListOfField(t.Len(), plainField(t.ElemField()))
	case *arrow.StructType:
		fields := make([]arrow.Field, t.NumFields())
		for i, f := range t.Fields() {
			fields[i] = plainField(f)
		}
		return arrow.StructOf(fields...)
	}
	return dt
}

func plainField(f arrow.Field) arrow.Field {
	f.Type = plainType(f.Type)
	return f
}

// needsPlain reports whether plainType changes dt.
func needsPlain(dt arrow.DataType) bool {
	switch t := dt.(type) {
	case *arrow.DictionaryType:
		return true
	case arrow.NestedType:
		switch dt.ID() {
		case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.STRUCT:
			for _, f := range t.Fields() {
				if needsPlain(f.Type) {
					return true
				}
			}
		}
	}
	return false
}

// plainSchema returns s with dictionaries decoded, and one warning per
// column that changed.
func plainSchema(s *arrow.Schema) (*arrow.Schema, []string) {
	var warnings []string
	fields := make([]arrow.Field, s.NumFields())
	for i, f := range s.Fields() {
		fields[i] = plainField(f)
		if needsPlain(f.Type) {
			warnings = append(warnings, fmt.Sprintf("column %q: dictionary-encoded %s decoded to %s", f.Name, f.Type, fields[i].Type))
		}
	}
	md := s.Metadata()
	return arrow.NewSchema(fields, &md), warnings
}

// plainArray returns arr with dictionaries decoded. The result is a new
// reference: the caller releases it.
func plainArray(ctx context.Context, arr arrow.Array, lim base.Limits) (arrow.Array, error) {
	if !needsPlain(arr.DataType()) {
		arr.Retain()
		return arr, nil
	}
	d, err := plainData(ctx, arr.Data(), lim)
	if err != nil {
		return nil, err
	}
	defer d.Release()
	return array.MakeFromData(d), nil
}

// plainData is plainArray for array data; validateData has checked d.
func plainData(ctx context.Context, d arrow.ArrayData, lim base.Limits) (arrow.ArrayData, error) {
	if !needsPlain(d.DataType()) {
		d.Retain()
		return d, nil
	}
	if dt, ok := d.DataType().(*arrow.DictionaryType); ok {
		return takeDictionary(ctx, dt, d, lim)
	}
	children := make([]arrow.ArrayData, 0, len(d.Children()))
	defer func() {
		for _, c := range children {
			c.Release()
		}
	}()
	for _, c := range d.Children() {
		pc, err := plainData(ctx, c, lim)
		if err != nil {
			return nil, err
		}
		children = append(children, pc)
	}
	return array.NewData(plainType(d.DataType()), d.Len(), d.Buffers(), children, d.NullN(), d.Offset()), nil
}

// takeDictionary decodes a dictionary array: its (decoded) values taken at
// its indices, refusing to build values of more than MaxPageBytes.
func takeDictionary(ctx context.Context, dt *arrow.DictionaryType, d arrow.ArrayData, lim base.Limits) (arrow.ArrayData, error) {
	vd, err := plainData(ctx, d.Dictionary(), lim)
	if err != nil {
		return nil, err
	}
	defer vd.Release()
	values := array.MakeFromData(vd)
	defer values.Release()
	id := array.NewData(dt.IndexType, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
	defer id.Release()
	indices := array.MakeFromData(id)
	defer indices.Release()
	if n := takenBytes(values, indices); n > lim.MaxPageBytes {
		return nil, base.Limitf("dictionary-encoded column decodes to more than %s, beyond the limit of %s", base.ByteSize(n), base.ByteSize(lim.MaxPageBytes))
	}
	out, err := compute.TakeArray(ctx, values, indices)
	if err != nil {
		return nil, fmt.Errorf("decoding dictionary of %s: %w", dt.ValueType, err)
	}
	defer out.Release()
	data := out.Data()
	data.Retain()
	return data, nil
}

// takenBytes is at least the size of the values that taking indices from
// values builds, counting the bytes of binary values and of fixed-width
// values; it stops counting past 1 TiB. validateData has checked every
// valid index lies inside values.
func takenBytes(values, indices arrow.Array) int64 {
	var size func(int) int64
	switch v := values.(type) {
	case interface{ ValueLen(int) int }: // binary, string, their large and view forms
		size = func(i int) int64 { return int64(v.ValueLen(i)) }
	default:
		fw, ok := values.DataType().(arrow.FixedWidthDataType)
		if !ok {
			return 0
		}
		w := int64(fw.BitWidth() / 8)
		size = func(int) int64 { return w }
	}
	var n int64
	for i := 0; i < indices.Len() && n < 1<<40; i++ {
		if indices.IsValid(i) {
			n += size(int(indexAt(indices.Data(), indices.Data().Offset()+i)))
		}
	}
	return n
}
