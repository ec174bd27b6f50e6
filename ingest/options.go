package ingest

import (
	"log/slog"
	"runtime"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
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
// Zero fields take their defaults: MaxPageBytes (the largest Parquet page
// or Arrow IPC message body) 1 GiB, MaxMetadataBytes (the largest Parquet
// footer or IPC metadata flatbuffer) 64 MiB, MaxColumns 100000, MaxRatio
// (how much a page or compressed buffer may expand beyond RatioFreeBytes)
// 1000.
type Limits = base.Limits

// RatioFreeBytes is how many bytes any page or buffer may decompress to
// whatever its ratio; see Limits.MaxRatio.
const RatioFreeBytes = base.RatioFreeBytes

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 65536
	}
	if o.Parallelism <= 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
	o.Limits = base.WithDefaults(o.Limits)
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}
