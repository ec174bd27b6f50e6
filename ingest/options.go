package ingest

import (
	"fmt"
	"log/slog"
	"runtime"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Options control how a dataset is read. The zero value is ready to use.
type Options struct {
	// Columns, when non-empty, keeps only these columns, in this order.
	Columns []string
	// BatchSize is the most rows in one record. Defaults to 65536.
	BatchSize int
	// Parallelism is the most files or row groups decoded at once.
	// Defaults to GOMAXPROCS.
	Parallelism int
	// Limits protect against hostile files. Zero fields take defaults.
	Limits Limits
	// Mem allocates Arrow buffers. Defaults to memory.DefaultAllocator.
	Mem memory.Allocator
	// Logger receives warnings such as skipped columns. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Filter, when set, selects rows: every decoded record (in the
	// dataset's schema) goes through it before Scan, ScanParts or Records
	// yield it, and what it returns is yielded instead. The dataset
	// releases the returned record after yielding it; a nil record or
	// one without rows is skipped. It is called from several goroutines
	// at once and must not keep rec. Its error stops the scan. Metadata
	// (NumRows, Files) still describes the whole files. Defaults to
	// every row.
	Filter func(rec arrow.Record) (arrow.Record, error)
	// Strict fails on a file that a directory or glob source holds and
	// that is not Parquet or Arrow IPC. Defaults to skipping such files,
	// listed in Dataset.Skipped and logged (see SelectData); the marker
	// files of Discover are skipped either way.
	Strict bool
	// Exclude lists files to leave out of the dataset (quarantined ones),
	// by path. Defaults to none.
	Exclude []string
}

// Limits bound what a file may make refit allocate. A file whose metadata
// claims more is refused with an error wrapping ErrCorrupt and ErrLimit.
type Limits struct {
	// MaxPageBytes is the largest compressed or uncompressed Parquet page,
	// or Arrow IPC message body. Defaults to 1 GiB.
	MaxPageBytes int64
	// MaxMetadataBytes is the largest Parquet footer or Arrow IPC metadata
	// flatbuffer. Defaults to 64 MiB.
	MaxMetadataBytes int64
	// MaxColumns is the most leaf columns in a file. Defaults to 100000.
	MaxColumns int
	// MaxRatio is the most a Parquet page or a compressed Arrow IPC buffer
	// may expand when decompressed beyond the first RatioFreeBytes: a page
	// of c compressed bytes may decompress to at most
	// max(RatioFreeBytes, MaxRatio*c) bytes. Real files stay below 20
	// (a page of constants compresses further, but such pages are small);
	// a file that claims more is built to make refit allocate. Defaults
	// to 1000.
	MaxRatio int64
}

// RatioFreeBytes is how many bytes any page or buffer may decompress to
// whatever its ratio; see Limits.MaxRatio.
const RatioFreeBytes = 8 << 20

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 65536
	}
	if o.Parallelism <= 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
	o.Limits = o.Limits.withDefaults()
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func (l Limits) withDefaults() Limits {
	if l.MaxPageBytes <= 0 {
		l.MaxPageBytes = 1 << 30
	}
	if l.MaxMetadataBytes <= 0 {
		l.MaxMetadataBytes = 64 << 20
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = 100000
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 1000
	}
	return l
}

// checkRatio refuses a page or buffer (what) of comp bytes that claims to
// decompress to unc bytes, more than MaxRatio allows.
func (l Limits) checkRatio(what string, comp, unc int64) error {
	if unc <= RatioFreeBytes || unc/l.MaxRatio <= comp {
		return nil
	}
	return limitf("%s of %s expands to %s (%d times), beyond the limit of %d times for more than %s",
		what, byteSize(comp), byteSize(unc), unc/max(comp, 1), l.MaxRatio, byteSize(RatioFreeBytes))
}

// byteSize formats n bytes for an error message: "14.2 KiB", "128 MiB".
func byteSize(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	f, u := float64(n)/1024, 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d %ciB", int64(f), units[u])
	}
	return fmt.Sprintf("%.1f %ciB", f, units[u])
}
