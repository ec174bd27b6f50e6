package parquetdec

import (
	"errors"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// decodeFooter decodes the thrift FileMetaData in buf into meta.
//
// The Parquet spec makes KeyValue.value optional, but parquet-go's
// format.KeyValue tags it required, so a footer with a key but no value (in
// the file's or a column chunk's key_value_metadata) fails the strict decode
// with a missing required field. Such a footer is decoded again into
// footerLenient, whose types are those of the format package with
// KeyValue.value optional, and converted; an absent value becomes "".
// Every other footer takes the strict path alone.
func decodeFooter(buf []byte, meta *format.FileMetaData) error {
	if err := checkThrift(buf); err != nil {
		return thriftErr("parquet footer", err)
	}
	var proto thrift.CompactProtocol
	err := thrift.NewDecoder(proto.NewReaderFromBytes(buf)).Decode(meta)
	var missing *thrift.MissingField
	if err == nil || !errors.As(err, &missing) {
		return err
	}
	var lm footerLenient
	if thrift.NewDecoder(proto.NewReaderFromBytes(buf)).Decode(&lm) != nil {
		return err // the strict error: the footer is wrong for another reason
	}
	*meta = lm.convert()
	return nil
}

// The lenient mirror types below copy the fields of format.FileMetaData,
// RowGroup, ColumnChunk and ColumnMetaData (names, types and thrift tags;
// TestFooterLenientMirrorsFormat checks that they still do) except that
// key_value_metadata holds kvLenient.

type kvLenient struct {
	Key   string `thrift:"1,required"`
	Value string `thrift:"2,optional"`
}

type footerLenient struct {
	Version                  int32                              `thrift:"1,required"`
	Schema                   thrift.Slice[format.SchemaElement] `thrift:"2,required"`
	NumRows                  int64                              `thrift:"3,required"`
	RowGroups                thrift.Slice[rowGroupLenient]      `thrift:"4,required"`
	KeyValueMetadata         thrift.Slice[kvLenient]            `thrift:"5,optional"`
	CreatedBy                string                             `thrift:"6,optional"`
	ColumnOrders             thrift.Slice[format.ColumnOrder]   `thrift:"7,optional"`
	EncryptionAlgorithm      format.EncryptionAlgorithm         `thrift:"8,optional"`
	FooterSigningKeyMetadata []byte                             `thrift:"9,optional"`
}

type rowGroupLenient struct {
	Columns             thrift.Slice[columnChunkLenient]   `thrift:"1,required"`
	TotalByteSize       int64                              `thrift:"2,required"`
	NumRows             int64                              `thrift:"3,required"`
	SortingColumns      thrift.Slice[format.SortingColumn] `thrift:"4,optional"`
	FileOffset          int64                              `thrift:"5,optional"`
	TotalCompressedSize int64                              `thrift:"6,optional"`
	Ordinal             int16                              `thrift:"7,optional,writezero"`
}

type columnChunkLenient struct {
	FilePath                string                      `thrift:"1,optional"`
	FileOffset              int64                       `thrift:"2,required"`
	MetaData                columnMetaDataLenient       `thrift:"3,optional"`
	OffsetIndexOffset       int64                       `thrift:"4,optional"`
	OffsetIndexLength       int32                       `thrift:"5,optional"`
	ColumnIndexOffset       int64                       `thrift:"6,optional"`
	ColumnIndexLength       int32                       `thrift:"7,optional"`
	CryptoMetadata          format.ColumnCryptoMetaData `thrift:"8,optional"`
	EncryptedColumnMetadata []byte                      `thrift:"9,optional"`
}

type columnMetaDataLenient struct {
	Type                  format.Type                            `thrift:"1,required"`
	Encoding              thrift.Slice[format.Encoding]          `thrift:"2,required"`
	PathInSchema          thrift.Slice[string]                   `thrift:"3,required"`
	Codec                 format.CompressionCodec                `thrift:"4,required"`
	NumValues             int64                                  `thrift:"5,required"`
	TotalUncompressedSize int64                                  `thrift:"6,required"`
	TotalCompressedSize   int64                                  `thrift:"7,required"`
	KeyValueMetadata      thrift.Slice[kvLenient]                `thrift:"8,optional"`
	DataPageOffset        int64                                  `thrift:"9,required"`
	IndexPageOffset       int64                                  `thrift:"10,optional"`
	DictionaryPageOffset  int64                                  `thrift:"11,optional"`
	Statistics            format.Statistics                      `thrift:"12,optional,writezero"`
	EncodingStats         thrift.Slice[format.PageEncodingStats] `thrift:"13,optional"`
	BloomFilterOffset     int64                                  `thrift:"14,optional"`
	BloomFilterLength     int32                                  `thrift:"15,optional"`
	SizeStatistics        format.SizeStatistics                  `thrift:"16,optional"`
	GeospatialStatistics  format.GeospatialStatistics            `thrift:"17,optional"`
}

func convertKVs(kvs thrift.Slice[kvLenient]) thrift.Slice[format.KeyValue] {
	if kvs == nil {
		return nil
	}
	out := make(thrift.Slice[format.KeyValue], len(kvs))
	for i, kv := range kvs {
		out[i] = format.KeyValue(kv) // struct conversion ignores tags
	}
	return out
}

func (m *footerLenient) convert() format.FileMetaData {
	var rgs thrift.Slice[format.RowGroup]
	if m.RowGroups != nil {
		rgs = make(thrift.Slice[format.RowGroup], len(m.RowGroups))
	}
	for i := range m.RowGroups {
		rgs[i] = m.RowGroups[i].convert()
	}
	return format.FileMetaData{
		Version:                  m.Version,
		Schema:                   m.Schema,
		NumRows:                  m.NumRows,
		RowGroups:                rgs,
		KeyValueMetadata:         convertKVs(m.KeyValueMetadata),
		CreatedBy:                m.CreatedBy,
		ColumnOrders:             m.ColumnOrders,
		EncryptionAlgorithm:      m.EncryptionAlgorithm,
		FooterSigningKeyMetadata: m.FooterSigningKeyMetadata,
	}
}

func (rg *rowGroupLenient) convert() format.RowGroup {
	var cols thrift.Slice[format.ColumnChunk]
	if rg.Columns != nil {
		cols = make(thrift.Slice[format.ColumnChunk], len(rg.Columns))
	}
	for i := range rg.Columns {
		cols[i] = rg.Columns[i].convert()
	}
	return format.RowGroup{
		Columns:             cols,
		TotalByteSize:       rg.TotalByteSize,
		NumRows:             rg.NumRows,
		SortingColumns:      rg.SortingColumns,
		FileOffset:          rg.FileOffset,
		TotalCompressedSize: rg.TotalCompressedSize,
		Ordinal:             rg.Ordinal,
	}
}

func (cc *columnChunkLenient) convert() format.ColumnChunk {
	md := &cc.MetaData
	return format.ColumnChunk{
		FilePath:   cc.FilePath,
		FileOffset: cc.FileOffset,
		MetaData: format.ColumnMetaData{
			Type:                  md.Type,
			Encoding:              md.Encoding,
			PathInSchema:          md.PathInSchema,
			Codec:                 md.Codec,
			NumValues:             md.NumValues,
			TotalUncompressedSize: md.TotalUncompressedSize,
			TotalCompressedSize:   md.TotalCompressedSize,
			KeyValueMetadata:      convertKVs(md.KeyValueMetadata),
			DataPageOffset:        md.DataPageOffset,
			IndexPageOffset:       md.IndexPageOffset,
			DictionaryPageOffset:  md.DictionaryPageOffset,
			Statistics:            md.Statistics,
			EncodingStats:         md.EncodingStats,
			BloomFilterOffset:     md.BloomFilterOffset,
			BloomFilterLength:     md.BloomFilterLength,
			SizeStatistics:        md.SizeStatistics,
			GeospatialStatistics:  md.GeospatialStatistics,
		},
		OffsetIndexOffset:       cc.OffsetIndexOffset,
		OffsetIndexLength:       cc.OffsetIndexLength,
		ColumnIndexOffset:       cc.ColumnIndexOffset,
		ColumnIndexLength:       cc.ColumnIndexLength,
		CryptoMetadata:          cc.CryptoMetadata,
		EncryptedColumnMetadata: cc.EncryptedColumnMetadata,
	}
}
