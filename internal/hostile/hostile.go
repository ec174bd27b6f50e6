// Package hostile writes small files built to make a reader allocate far
// more than their size: the reproductions of issue 14, for tests of
// ingest and of the refit command. Nothing here reads files.
package hostile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// ZeroPages describes a Parquet file of required INT64 columns of zeros,
// PLAIN encoded and ZSTD compressed, with one data page per column chunk.
type ZeroPages struct {
	RowGroups int // defaults to 8
	Columns   int // defaults to 2
	// PageBytes is the uncompressed size of every page, a multiple of 8.
	// Defaults to 128 MiB.
	PageBytes int
}

func (z ZeroPages) withDefaults() ZeroPages {
	if z.RowGroups <= 0 {
		z.RowGroups = 8
	}
	if z.Columns <= 0 {
		z.Columns = 2
	}
	if z.PageBytes <= 0 {
		z.PageBytes = 128 << 20
	}
	return z
}

// Write writes the file to w. With the defaults it is issue 14's second
// reproduction: a file of about 230 KiB holding 128 Mi rows, 2 GiB of
// uncompressed pages.
func (z ZeroPages) Write(w io.Writer) error {
	z = z.withDefaults()
	if z.PageBytes%8 != 0 {
		return fmt.Errorf("hostile: page of %d bytes is not a multiple of 8", z.PageBytes)
	}
	page, err := zeroPage(z.PageBytes)
	if err != nil {
		return err
	}
	rows := int64(z.PageBytes / 8)
	meta := format.FileMetaData{Version: 1, NumRows: rows * int64(z.RowGroups), CreatedBy: "refit internal/hostile"}
	meta.Schema = append(meta.Schema, format.SchemaElement{Name: "schema", NumChildren: thrift.New(int32(z.Columns))})
	for c := range z.Columns {
		meta.Schema = append(meta.Schema, format.SchemaElement{
			Type: thrift.New(format.Int64), RepetitionType: thrift.New(format.Required), Name: fmt.Sprintf("c%d", c),
		})
	}
	var buf bytes.Buffer
	buf.WriteString("PAR1")
	for range z.RowGroups {
		rg := format.RowGroup{NumRows: rows}
		for c := range z.Columns {
			off := int64(buf.Len())
			buf.Write(page)
			rg.Columns = append(rg.Columns, format.ColumnChunk{FileOffset: off, MetaData: format.ColumnMetaData{
				Type: format.Int64, Encoding: []format.Encoding{format.Plain}, PathInSchema: []string{fmt.Sprintf("c%d", c)},
				Codec: format.Zstd, NumValues: rows, TotalUncompressedSize: int64(z.PageBytes),
				TotalCompressedSize: int64(len(page)), DataPageOffset: off,
			}})
			rg.TotalByteSize += int64(z.PageBytes)
		}
		meta.RowGroups = append(meta.RowGroups, rg)
	}
	footer, err := thrift.Marshal(new(thrift.CompactProtocol), &meta)
	if err != nil {
		return fmt.Errorf("hostile: encoding footer: %w", err)
	}
	buf.Write(footer)
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(footer))))
	buf.WriteString("PAR1")
	_, err = w.Write(buf.Bytes())
	return err
}

// zeroPage returns a data page (header and body) of n zero bytes as
// PLAIN INT64 values, ZSTD compressed.
func zeroPage(n int) ([]byte, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		return nil, fmt.Errorf("hostile: %w", err)
	}
	body := enc.EncodeAll(make([]byte, n), nil)
	h := format.PageHeader{
		Type: format.DataPage, UncompressedPageSize: int32(n), CompressedPageSize: int32(len(body)),
		DataPageHeader: thrift.New(format.DataPageHeader{NumValues: int32(n / 8), Encoding: format.Plain,
			DefinitionLevelEncoding: format.RLE, RepetitionLevelEncoding: format.RLE}),
	}
	hb, err := thrift.Marshal(new(thrift.CompactProtocol), &h)
	if err != nil {
		return nil, fmt.Errorf("hostile: encoding page header: %w", err)
	}
	return append(hb, body...), nil
}
