package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/refit-ml/refit/internal/atomicfile"
)

// ChecksumSuffix is appended to a model file's path to name its sidecar,
// which holds the SHA-256 of the whole file in sha256sum format.
const ChecksumSuffix = ".sha256"

// Save writes m to path and its checksum to path+ChecksumSuffix, each
// crash-safely: a temporary file in the same directory is written, synced,
// closed and renamed over the target, then the directory is synced. A
// reader never sees a partial file; after a crash between the two renames
// Load reports a checksum error rather than returning a mixed model.
func (m *Model) Save(path string) error {
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	line := hex.EncodeToString(sum[:]) + "  " + filepath.Base(path) + "\n"
	if err := atomicfile.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("model: saving %s: %w", path, err)
	}
	if err := atomicfile.WriteFile(path+ChecksumSuffix, []byte(line), 0o644); err != nil {
		return fmt.Errorf("model: saving %s: %w", path+ChecksumSuffix, err)
	}
	return nil
}

// Load reads a model file. The file is a complete artifact on its own: its
// header carries the SHA-256 of its metadata, tensor table and tensor
// bytes (refit.sha256), which decoding verifies, so a model copied out of
// its workspace loads by itself. When the sidecar path+ChecksumSuffix that
// Save writes beside it (for sha256sum) is there, the whole file is
// checked against it too, so a model file replaced without its sidecar is
// refused. Errors wrap ErrChecksum and ErrCorrupt for damaged files, or
// the os error (such as fs.ErrNotExist) when the model cannot be read.
func Load(path string) (*Model, error) {
	b, err := readLimited(path, 8+maxHeader+maxData)
	if err != nil {
		return nil, fmt.Errorf("model: loading %s: %w", path, err)
	}
	if err := checkSidecar(path, b); err != nil {
		return nil, fmt.Errorf("model: loading %s: %w", path, err)
	}
	m, err := DecodeBytes(b)
	if err != nil {
		return nil, fmt.Errorf("model: loading %s: %w", path, err)
	}
	return m, nil
}

// checkSidecar compares the file's bytes b with its sidecar, if it has
// one.
func checkSidecar(path string, b []byte) error {
	want, err := readSidecar(path + ChecksumSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // the embedded checksum is verified while decoding
	}
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("%w: %w: file has SHA-256 %s, %s records %s",
			ErrChecksum, ErrCorrupt, got, filepath.Base(path)+ChecksumSuffix, want)
	}
	return nil
}

// readSidecar returns the hex digest of a sha256sum-style line.
func readSidecar(path string) (string, error) {
	b, err := readLimited(path, 4096)
	if err != nil {
		return "", fmt.Errorf("reading checksum: %w", err)
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 || len(fields[0]) != 2*sha256.Size {
		return "", fmt.Errorf("reading checksum %s: %w: no SHA-256 digest", path, ErrCorrupt)
	}
	if _, err := hex.DecodeString(fields[0]); err != nil {
		return "", fmt.Errorf("reading checksum %s: %w: %w", path, ErrCorrupt, err)
	}
	return strings.ToLower(fields[0]), nil
}

// readLimited reads a whole file that must not exceed limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrCorrupt, path, fi.Size(), limit)
	}
	return os.ReadFile(path)
}
