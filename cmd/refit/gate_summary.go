package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/pipeline"
)

// writeGateSummary writes the verdict as Markdown to path (a CI step
// summary such as $GITHUB_STEP_SUMMARY), when path is set: a headline with
// the verdict, then a table of every check, failed ones first.
func writeGateSummary(path string, out gateOutput) error {
	if path == "" {
		return nil
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return gateMarkdown(w, out) })
}

func gateMarkdown(w io.Writer, out gateOutput) error {
	failed := out.Verdict.Failed()
	icon, verdict := "✅", "passed"
	if !out.Verdict.Pass {
		icon, verdict = "❌", fmt.Sprintf("%d of %d checks failed", len(failed), len(out.Verdict.Checks))
	}
	champ := "none"
	if out.Champion != nil {
		champ = "`" + out.Champion.Ref + "`"
		if out.Champion.Version != "" && out.Champion.Version != out.Champion.Ref {
			champ += " (" + out.Champion.Version + ")"
		}
	}
	fmt.Fprintf(w, "## %s refit gate: %s\n\ncandidate `%s` vs champion %s on %s rows, label `%s`, policy %s\n\n",
		icon, verdict, out.Candidate.Ref, champ, countText(int64(out.Rows)), out.Label, out.Policy)
	fmt.Fprintln(w, "| result | gate | slice | observed | interval | threshold | reason |\n|---|---|---|---|---|---|---|")
	checks := append(failed, passedChecks(out)...)
	for _, c := range checks {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", passMark(c.Pass), cell(c.Gate), cell(orDash(c.Slice)),
			ptrNum(c.Observed), c.Interval, ptrNum(c.Threshold), cell(c.Reason))
	}
	if out.Registered != nil {
		fmt.Fprintf(w, "\nregistered %s (gate %s)\n", out.Registered.ID, out.Registered.Gate)
	}
	return nil
}

func passedChecks(out gateOutput) []evaluate.GateResult {
	var ok []evaluate.GateResult
	for _, c := range out.Verdict.Checks {
		if c.Pass {
			ok = append(ok, c)
		}
	}
	return ok
}

func passMark(ok bool) string {
	if ok {
		return "✅ pass"
	}
	return "❌ fail"
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// gatePolicy is --policy, else the evaluate.gates of --config, else the
// default policy of the task, with a name for the output.
func gatePolicy(f *gateFlags, task evaluate.Task) (*evaluate.Policy, string, error) {
	if f.policy == "" && f.config != nil && *f.config != "" {
		cfg, err := pipeline.Load(*f.config)
		if err != nil {
			return nil, "", err
		}
		if len(cfg.Evaluate.Gates) > 0 {
			pol := &evaluate.Policy{Gates: cfg.Evaluate.Gates}
			return pol, *f.config + " evaluate.gates", pol.Validate()
		}
	}
	pol, err := loadPolicy(f.policy, task)
	if f.policy == "" {
		return pol, "default", err
	}
	return pol, f.policy, err
}
