package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return fmt.Errorf("model: saving %s: %w", path, err)
	}
	if err := writeFileAtomic(path+ChecksumSuffix, []byte(line)); err != nil {
		return fmt.Errorf("model: saving %s: %w", path+ChecksumSuffix, err)
	}
	return nil
}

// Load reads a model saved by Save, verifying the sidecar checksum of the
// whole file and then, while decoding, the embedded one. Errors wrap
// ErrChecksum and ErrCorrupt for damaged files, or the os error (such as
// fs.ErrNotExist) when a file cannot be read.
func Load(path string) (*Model, error) {
	want, err := readSidecar(path + ChecksumSuffix)
	if err != nil {
		return nil, fmt.Errorf("model: loading %s: %w", path, err)
	}
	b, err := readLimited(path, 8+maxHeader+maxData)
	if err != nil {
		return nil, fmt.Errorf("model: loading %s: %w", path, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want {
		return nil, fmt.Errorf("model: loading %s: %w: %w: file has SHA-256 %s, %s records %s",
			path, ErrChecksum, ErrCorrupt, got, filepath.Base(path)+ChecksumSuffix, want)
	}
	m, err := DecodeBytes(b)
	if err != nil {
		return nil, fmt.Errorf("model: loading %s: %w", path, err)
	}
	return m, nil
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

// writeFileAtomic replaces path with data: temp file in the same
// directory, fsync, close, rename, fsync the directory.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes 0600
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}
