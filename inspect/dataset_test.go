package inspect

import (
	"bytes"
	"testing"

	"github.com/refit-ml/refit/ingest"
)

func TestDatasetWriteText(t *testing.T) {
	pq := ingest.FileInfo{Path: "a.parquet", Format: ingest.FormatParquet.String(), Bytes: 2048, Rows: 1500, Units: 2, CreatedBy: "parquet-go",
		Columns: []ingest.ColumnInfo{
			{Name: "delay", Arrow: "float64", Nullable: true, Physical: "DOUBLE", Codecs: []string{"ZSTD"}, Encodings: []string{"PLAIN", "RLE"},
				CompressedBytes: 1024, UncompressedBytes: 4096, NullCount: 3},
			{Name: "origin", Arrow: "utf8", Physical: "BYTE_ARRAY", Logical: "STRING", NullCount: -1},
		}}
	ipc := ingest.FileInfo{Path: "b.arrow", Format: "arrow", Bytes: 100, Rows: -1, Units: 1,
		Columns: []ingest.ColumnInfo{{Name: "delay", Arrow: "float64", Nullable: true}}}
	for _, tt := range []struct {
		name string
		d    DatasetInfo
		want string
	}{
		{"one parquet file", DatasetInfo{Rows: 1500, Files: []ingest.FileInfo{pq}},
			"a.parquet\n  format parquet, 2.0 KiB, 1,500 rows, 2 row groups, created by parquet-go\n" +
				"  column  type     null  storage            codec  encodings  bytes              nulls\n" +
				"  delay   float64  yes   DOUBLE             ZSTD   PLAIN,RLE  1.0 KiB / 4.0 KiB  3\n" +
				"  origin  utf8     no    BYTE_ARRAY STRING                    -                  ?\n\n"},
		{"two files and a warning", DatasetInfo{Rows: 1600, Files: []ingest.FileInfo{ipc, ipc},
			Columns: []SchemaColumn{{Name: "delay", Type: "float64", Nullable: true}}, Warnings: []string{"schemas differ"}},
			"b.arrow\n  format arrow, 100 B, ? rows, 1 record batches\n" +
				"  column  type     null  storage  codec  encodings  bytes  nulls\n" +
				"  delay   float64  yes   -                          -      0\n\n" +
				"b.arrow\n  format arrow, 100 B, ? rows, 1 record batches\n" +
				"  column  type     null  storage  codec  encodings  bytes  nulls\n" +
				"  delay   float64  yes   -                          -      0\n\n" +
				"dataset: 2 files, 1,600 rows\n  delay  float64  yes\nwarning: schemas differ\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.d.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("WriteText:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}
