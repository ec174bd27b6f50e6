// Package atomicfile writes files crash-safely: the data goes to a
// temporary file in the same directory, which is synced, closed and renamed
// over the target, and then the directory is synced. A reader sees the old
// file or the new one, never a part; on any error the temporary file is
// removed and the target is left as it was.
package atomicfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/refit-ml/refit/internal/crashpoint"
)

// WriteFile writes data to path crash-safely, creating the directory if
// needed.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	})
}

// Write writes path crash-safely with write, which gets a buffered writer
// over the temporary file, creating the directory if needed.
func Write(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = commit(f, path, perm); err != nil {
		return err
	}
	return syncDir(dir)
}

// commit sets the mode, syncs and closes f, and renames it over path.
func commit(f *os.File, path string, perm os.FileMode) error {
	if err := f.Chmod(perm); err != nil { // CreateTemp makes 0600
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	crashpoint.Hit("sync " + filepath.Base(path) + " (temp)")
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	crashpoint.Hit("rename " + filepath.Base(path))
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	crashpoint.Hit("sync dir " + filepath.Base(dir))
	return nil
}
