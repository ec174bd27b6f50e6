package base

import "fmt"

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

// WithDefaults returns l with every zero field set to its default.
func WithDefaults(l Limits) Limits {
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

// CheckRatio refuses a page or buffer (what) of comp bytes that claims to
// decompress to unc bytes, more than l.MaxRatio allows.
func CheckRatio(l Limits, what string, comp, unc int64) error {
	if unc <= RatioFreeBytes || unc/l.MaxRatio <= comp {
		return nil
	}
	return Limitf("%s of %s expands to %s (%d times), beyond the limit of %d times for more than %s",
		what, ByteSize(comp), ByteSize(unc), unc/max(comp, 1), l.MaxRatio, ByteSize(RatioFreeBytes))
}

// ByteSize formats n bytes for an error message: "14.2 KiB", "128 MiB".
func ByteSize(n int64) string {
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
