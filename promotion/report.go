package promotion

import (
	"fmt"
	"io"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/registry"
)

// GateReport is what a gate found: what `refit gate` prints, and its JSON.
type GateReport struct {
	Candidate  *modelref.Loaded  `json:"candidate"`
	Champion   *modelref.Loaded  `json:"champion"`
	Parent     *modelref.Loaded  `json:"parent,omitempty"`
	Label      string            `json:"label"`
	Rows       int               `json:"rows"`
	Policy     string            `json:"policy"`
	Verdict    evaluate.Verdict  `json:"verdict"`
	Results    []evaluate.Result `json:"results"`
	Registered *registry.Version `json:"registered,omitempty"`
}

// header names the models and data of the verdict.
func (r *GateReport) header() evaluate.GateHeader {
	h := evaluate.GateHeader{Candidate: r.Candidate.Ref, Label: r.Label, Policy: r.Policy, Rows: r.Rows}
	if r.Champion != nil {
		h.Champion, h.ChampionVersion = r.Champion.Ref, r.Champion.Version
	}
	return h
}

// WriteText writes the verdict as a table of checks, and the registered
// version if any.
func (r *GateReport) WriteText(w io.Writer) error {
	if err := r.Verdict.WriteText(w, r.header()); err != nil {
		return err
	}
	return writeRegistered(w, r.Registered)
}

// WriteSummary writes the verdict as Markdown to path (a CI step summary
// such as $GITHUB_STEP_SUMMARY), crash-safely; nothing when path is "".
func (r *GateReport) WriteSummary(path string) error {
	if path == "" {
		return nil
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := r.Verdict.WriteMarkdown(w, r.header()); err != nil || r.Registered == nil {
			return err
		}
		fmt.Fprintln(w)
		return writeRegistered(w, r.Registered)
	})
}

// writeRegistered prints "registered v0003 (gate passed)" for v, if any.
func writeRegistered(w io.Writer, v *registry.Version) error {
	if v == nil {
		return nil
	}
	return WriteRegistered(w, *v)
}

// WriteRegistered prints "registered v0003 (gate passed)".
func WriteRegistered(w io.Writer, v registry.Version) error {
	_, err := fmt.Fprintf(w, "registered %s (gate %s)\n", v.ID, v.Gate)
	return err
}
