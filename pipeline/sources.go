package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/registry"
)

// ingestOptions are the options every read of the run's sources takes:
// the limits, data.strict, and the quarantined files left out.
func (r *run) ingestOptions() ingest.Options {
	return ingest.Options{Limits: r.opts.Limits, Logger: r.opts.Logger, Strict: r.cfg.Data.Strict, Exclude: r.excluded()}
}

// excluded lists the quarantined files' paths.
func (r *run) excluded() []string {
	out := make([]string, 0, len(r.quarantine))
	for p := range r.quarantine {
		out = append(out, p)
	}
	return out
}

// selectData keeps the discovered files that are data and not
// quarantined (ingest.SelectData), and records the others in the run's
// record and reasons: one stray file does not fail the run, and is not
// skipped silently either.
func (r *run) selectData(ctx context.Context, found []ingest.File, s *Stage) ([]ingest.File, error) {
	kept, skipped, err := ingest.SelectData(ctx, found, r.cfg.Data.Strict, r.excluded())
	if err != nil {
		return nil, err
	}
	for _, sk := range skipped {
		if sk.Reason == "excluded" {
			sk.Reason = "quarantined: " + r.quarantine[absPath(sk.Path)]
		}
		r.rec.Skipped = append(r.rec.Skipped, sk)
	}
	if len(skipped) > 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("%d files skipped", len(skipped)))
		r.reason("%s", skippedText(r.rec.Skipped))
	}
	return kept, nil
}

// skippedText names the skipped files, a few of them in full.
func skippedText(skipped []ingest.Skipped) string {
	var parts []string
	for i, sk := range skipped {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(skipped)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", sk.Path, sk.Reason))
	}
	files := "files"
	if len(skipped) == 1 {
		files = "file"
	}
	return fmt.Sprintf("skipped %d %s of the source, not read: %s", len(skipped), files, strings.Join(parts, "; "))
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// quarantined maps the workspace's quarantined files to their reasons.
func quarantined(ctx context.Context, reg *registry.Registry) (map[string]string, error) {
	list, err := reg.QuarantineList(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	m := make(map[string]string, len(list))
	for _, q := range list {
		m[q.Path] = q.Reason
	}
	return m, nil
}
