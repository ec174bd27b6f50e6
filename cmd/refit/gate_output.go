package main

import (
	"fmt"
	"io"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/registry"
)

// gateOutput is what refit gate prints (as JSON with --format json).
type gateOutput struct {
	Candidate  *loadedModel      `json:"candidate"`
	Champion   *loadedModel      `json:"champion"`
	Parent     *loadedModel      `json:"parent,omitempty"`
	Label      string            `json:"label"`
	Rows       int               `json:"rows"`
	Policy     string            `json:"policy"`
	Verdict    evaluate.Verdict  `json:"verdict"`
	Results    []evaluate.Result `json:"results"`
	Registered *registry.Version `json:"registered,omitempty"`
}

// header names the models and data of the verdict.
func (out gateOutput) header() evaluate.GateHeader {
	h := evaluate.GateHeader{Candidate: out.Candidate.Ref, Label: out.Label, Policy: out.Policy, Rows: out.Rows}
	if out.Champion != nil {
		h.Champion, h.ChampionVersion = out.Champion.Ref, out.Champion.Version
	}
	return h
}

// writeGate prints the verdict: a table of checks, or out as JSON.
func writeGate(w io.Writer, format string, out gateOutput) error {
	if format == "json" {
		return writeJSON(w, out)
	}
	if err := out.Verdict.WriteText(w, out.header()); err != nil {
		return err
	}
	return writeRegistered(w, out.Registered)
}

// writeGateSummary writes the verdict as Markdown to path (a CI step
// summary such as $GITHUB_STEP_SUMMARY), when path is set.
func writeGateSummary(path string, out gateOutput) error {
	if path == "" {
		return nil
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := out.Verdict.WriteMarkdown(w, out.header()); err != nil || out.Registered == nil {
			return err
		}
		fmt.Fprintln(w)
		return writeRegistered(w, out.Registered)
	})
}

func writeRegistered(w io.Writer, v *registry.Version) error {
	if v == nil {
		return nil
	}
	_, err := fmt.Fprintf(w, "registered %s (gate %s)\n", v.ID, v.Gate)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
