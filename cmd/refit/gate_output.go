package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/refit-ml/refit/evaluate"
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

// writeGate prints the verdict: a table of checks, or out as JSON.
func writeGate(w io.Writer, format string, out gateOutput) error {
	if format == "json" {
		return writeJSON(w, out)
	}
	champ := "none"
	if out.Champion != nil {
		champ = out.Champion.Ref
	}
	if out.Champion != nil && out.Champion.Version != "" && out.Champion.Version != champ {
		champ += " (" + out.Champion.Version + ")"
	}
	fmt.Fprintf(w, "candidate %s vs champion %s on %d rows, label %s\n\n", out.Candidate.Ref, champ, out.Rows, out.Label)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "result\tgate\tslice\tobserved\tinterval\tthreshold\treason")
	for _, c := range out.Verdict.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", passText(c.Pass), c.Gate, orDash(c.Slice),
			ptrNum(c.Observed), c.Interval, ptrNum(c.Threshold), c.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nverdict: %s (%d of %d checks failed)\n", passText(out.Verdict.Pass), len(out.Verdict.Failed()), len(out.Verdict.Checks))
	if out.Registered != nil {
		fmt.Fprintf(w, "registered %s (gate %s)\n", out.Registered.ID, out.Registered.Gate)
	}
	return nil
}

func passText(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ptrNum(p *float64) string {
	if p == nil {
		return "-"
	}
	return num(map[string]float64{"": *p}, "")
}
