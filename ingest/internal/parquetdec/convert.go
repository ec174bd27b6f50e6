package parquetdec

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// converted returns the dense values of ld in the Arrow layout of an's
// type and their width in bytes.
func converted(an *anode, ld *leafData) ([]byte, int, error) {
	w := ld.leaf.width
	switch an.conv {
	case cvCopy:
		return ld.vals, w, nil
	case cvInt8, cvUint8:
		return narrow[uint8](ld.vals), 1, nil
	case cvInt16, cvUint16:
		return narrow[uint16](ld.vals), 2, nil
	case cvInt96:
		return int96ToNanos(ld.vals), 8, nil
	case cvDecimal:
		return decimals(an.typ, ld)
	}
	return nil, 0, fmt.Errorf("%w: conversion %d", base.ErrUnsupported, an.conv)
}

func narrow[T uint8 | uint16](vals []byte) []byte {
	in := castSlice[int32](vals)
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v)
	}
	return asBytes(out)
}

// int96ToNanos converts legacy INT96 timestamps (nanoseconds of the day,
// then the Julian day) to nanoseconds since the Unix epoch.
func int96ToNanos(vals []byte) []byte {
	const julianUnixEpoch = 2440588
	const nanosPerDay = 86400 * 1000 * 1000 * 1000
	out := make([]int64, len(vals)/12)
	for i := range out {
		v := vals[i*12:]
		nanos := int64(binary.LittleEndian.Uint64(v))
		day := int64(binary.LittleEndian.Uint32(v[8:]))
		out[i] = (day-julianUnixEpoch)*nanosPerDay + nanos
	}
	return asBytes(out)
}

// decimals converts int32, int64 or big-endian two's complement bytes to
// little-endian decimal128 or decimal256 values.
func decimals(t arrow.DataType, ld *leafData) ([]byte, int, error) {
	w := 16
	if t.ID() == arrow.DECIMAL256 {
		w = 32
	}
	out := make([]byte, ld.nvals*w)
	put := func(i int, be []byte) error {
		if len(be) > w {
			return base.Corruptf("decimal of %d bytes does not fit %s", len(be), t)
		}
		putBigEndian(out[i*w:(i+1)*w], be)
		return nil
	}
	var err error
	switch ld.leaf.phys {
	case format.Int32:
		for i, v := range castSlice[int32](ld.vals) {
			putInt(out[i*w:(i+1)*w], int64(v))
		}
	case format.Int64:
		for i, v := range castSlice[int64](ld.vals) {
			putInt(out[i*w:(i+1)*w], v)
		}
	case format.FixedLenByteArray:
		lw := ld.leaf.width
		for i := 0; i < ld.nvals && err == nil; i++ {
			err = put(i, ld.vals[i*lw:(i+1)*lw])
		}
	case format.ByteArray:
		err = decimalBytes(ld, put)
	}
	return out, w, err
}

func decimalBytes(ld *leafData, put func(int, []byte) error) error {
	if ld.dictMode {
		for i, ix := range ld.idx {
			if err := put(i, ld.dictData[ld.dictOffs[ix]:ld.dictOffs[ix+1]]); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range ld.nvals {
		if err := put(i, ld.data[ld.offs[i]:ld.offs[i+1]]); err != nil {
			return err
		}
	}
	return nil
}

func putInt(dst []byte, v int64) {
	binary.LittleEndian.PutUint64(dst, uint64(v))
	fill := byte(0)
	if v < 0 {
		fill = 0xff
	}
	for i := 8; i < len(dst); i++ {
		dst[i] = fill
	}
}

// putBigEndian writes the big-endian two's complement be into the
// little-endian dst, sign-extended.
func putBigEndian(dst, be []byte) {
	fill := byte(0)
	if len(be) > 0 && be[0]&0x80 != 0 {
		fill = 0xff
	}
	for i := range dst {
		if i < len(be) {
			dst[i] = be[len(be)-1-i]
		} else {
			dst[i] = fill
		}
	}
}

// fileInfo describes the file for Info.
func (d *Decoder) fileInfo() base.FileInfo {
	fi := base.FileInfo{
		Path: d.cfg.Path, Format: base.FormatParquet.String(), Bytes: d.src.Size(), Rows: d.NumRows(),
		Units: len(d.meta.RowGroups), CreatedBy: d.meta.CreatedBy, Warnings: d.warnings,
	}
	if len(d.meta.KeyValueMetadata) > 0 {
		fi.Metadata = make(map[string]string, len(d.meta.KeyValueMetadata))
		for _, kv := range d.meta.KeyValueMetadata {
			fi.Metadata[kv.Key] = kv.Value
		}
	}
	for i, an := range d.cols {
		f := d.schema.Field(i)
		ci := base.ColumnInfo{Name: f.Name, Arrow: f.Type.String(), Nullable: f.Nullable, NullCount: 0}
		d.leafInfo(&ci, an)
		fi.Columns = append(fi.Columns, ci)
	}
	return fi
}

// leafInfo sums the chunk metadata of the leaves of a column.
func (d *Decoder) leafInfo(ci *base.ColumnInfo, an *anode) {
	var phys, logical []string
	for _, l := range an.leafIdx {
		el := d.leaves[l].node.el
		phys = append(phys, d.leaves[l].phys.String())
		if s := logicalString(el); s != "" {
			logical = append(logical, s)
		}
		for _, rg := range d.meta.RowGroups {
			md := &rg.Columns[l].MetaData
			ci.CompressedBytes += md.TotalCompressedSize
			ci.UncompressedBytes += md.TotalUncompressedSize
			ci.Codecs = addOnce(ci.Codecs, md.Codec.String())
			for _, e := range md.Encoding {
				ci.Encodings = addOnce(ci.Encodings, e.String())
			}
			if ci.NullCount >= 0 && hasNullCount(&md.Statistics) {
				ci.NullCount += md.Statistics.NullCount
			} else {
				ci.NullCount = -1
			}
		}
	}
	ci.Physical = strings.Join(phys, ",")
	ci.Logical = strings.Join(logical, ",")
}

// hasNullCount tells whether statistics were written; parquet-go decodes
// an absent null count as zero, so an empty Statistics means unknown.
func hasNullCount(s *format.Statistics) bool {
	return s.NullCount > 0 || s.Max != nil || s.Min != nil || s.MaxValue != nil || s.MinValue != nil || s.DistinctCount > 0
}

func logicalString(el *format.SchemaElement) string {
	if el.LogicalType.Value != nil {
		return el.LogicalType.Value.String()
	}
	if el.ConvertedType.Valid {
		return convertedNames[el.ConvertedType.V]
	}
	return ""
}

func addOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

var convertedNames = map[deprecated.ConvertedType]string{
	deprecated.UTF8: "UTF8", deprecated.Map: "MAP", deprecated.MapKeyValue: "MAP_KEY_VALUE", deprecated.List: "LIST",
	deprecated.Enum: "ENUM", deprecated.Decimal: "DECIMAL", deprecated.Date: "DATE", deprecated.TimeMillis: "TIME_MILLIS",
	deprecated.TimeMicros: "TIME_MICROS", deprecated.TimestampMillis: "TIMESTAMP_MILLIS", deprecated.TimestampMicros: "TIMESTAMP_MICROS",
	deprecated.Uint8: "UINT_8", deprecated.Uint16: "UINT_16", deprecated.Uint32: "UINT_32", deprecated.Uint64: "UINT_64",
	deprecated.Int8: "INT_8", deprecated.Int16: "INT_16", deprecated.Int32: "INT_32", deprecated.Int64: "INT_64",
	deprecated.Json: "JSON", deprecated.Bson: "BSON", deprecated.Interval: "INTERVAL",
}
