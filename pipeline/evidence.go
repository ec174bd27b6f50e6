package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/workspace"
	"go.yaml.in/yaml/v3"
)

// writeEvidence writes the files registered with a candidate: the
// training profile (the next runs' drift reference) and quality
// statistics (duplicate rows, the label), the evaluation and a model
// card. It returns artifact name → path, the model included.
func writeEvidence(tmp string, c *candidate, v *evaluate.Verdict, results []evaluate.Result) (map[string]string, error) {
	files := map[string]string{artifactModel: c.path, artifactModel + ".sha256": c.path + ".sha256"}
	prof, err := json.Marshal(c.profile)
	if err != nil {
		return nil, fmt.Errorf("pipeline: encode profile: %w", err)
	}
	eval, err := json.MarshalIndent(struct {
		Results []evaluate.Result `json:"results"`
		Verdict *evaluate.Verdict `json:"verdict"`
	}{results, v}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("pipeline: encode evaluation: %w", err)
	}
	quality, err := json.Marshal(c.quality)
	if err != nil {
		return nil, fmt.Errorf("pipeline: encode quality reference: %w", err)
	}
	for name, data := range map[string][]byte{artifactProfile: prof, artifactQuality: quality, artifactEval: eval, artifactCard: modelCard(c, v, results)} {
		path := filepath.Join(tmp, name)
		if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
			return nil, fmt.Errorf("pipeline: %w", err)
		}
		files[name] = path
	}
	return files, nil
}

// modelCard is a short Markdown description of a candidate.
func modelCard(c *candidate, v *evaluate.Verdict, results []evaluate.Result) []byte {
	var b strings.Builder
	spec := c.model.Spec()
	fmt.Fprintf(&b, "# Model card\n\n- task: %s\n- label: `%s`\n- inputs: %s\n- parameters: %d (non-zero %d)\n- dataset: %s\n- trained at: %s\n\n",
		spec.Task, spec.Lineage[evaluate.LineageLabel], strings.Join(c.model.Preprocessor().Inputs(), ", "),
		c.model.NumParams(), c.model.NonZeros(), c.fp, spec.Lineage["trained_at"])
	if notes := c.model.Preprocessor().Notes(); len(notes) > 0 {
		b.WriteString("## Features\n\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Holdout metrics\n\n| metric | value |\n|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(results[0].Metrics)) {
		fmt.Fprintf(&b, "| %s | %.6g |\n", k, results[0].Metrics[k])
	}
	fmt.Fprintf(&b, "\n## Gates: %s\n\n", passText(v.Pass))
	for _, g := range v.Checks {
		fmt.Fprintf(&b, "- %s %s\n", passText(g.Pass), g.Reason)
	}
	return []byte(b.String())
}

// writeRecord writes report.html, then run.json, into dir: a record on
// disk always has its report, and a report that cannot be written (a full
// disk) leaves no record claiming an outcome the run will not commit.
func writeRecord(dir string, rec *Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: encode run record: %w", err)
	}
	if err := writeReport(dir, rec); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, workspace.RecordFile), data, 0o644); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	return nil
}

func newSchema(fields []arrow.Field) *arrow.Schema { return arrow.NewSchema(fields, nil) }

// hash identifies the configuration for lineage.
func (c *Config) hash() string {
	data, _ := yaml.Marshal(c) // a Config always encodes (funcs are skipped)
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}
