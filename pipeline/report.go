package pipeline

import (
	"io"
	"path/filepath"

	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/workspace"
)

// writeReport writes report.html next to run.json, crash-safely.
func writeReport(dir string, rec *Record) error {
	return report.WriteFile(filepath.Join(dir, "report.html"), func(w io.Writer) error {
		return report.WriteRunHTML(w, rec)
	})
}

// floatParentName names the float parent's evaluation result (the
// champion's is its version id).
const floatParentName = workspace.FloatParentName
