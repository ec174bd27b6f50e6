package report

import (
	"fmt"
	"io"

	"github.com/refit-ml/refit/internal/atomicfile"
)

// WriteFile writes path crash-safely with write: into a temporary file in
// the same directory, then fsync, close, rename over path and fsync the
// directory. On any error the temporary file is removed and path is left as
// it was.
func WriteFile(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, 0o644, write); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
