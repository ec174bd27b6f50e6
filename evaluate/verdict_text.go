package evaluate

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/internal/numfmt"
)

// GateHeader names what a verdict compared, for its text and Markdown
// forms. An empty Champion is "none".
type GateHeader struct {
	Candidate       string
	Champion        string
	ChampionVersion string // the champion's registry version, if any
	Label           string
	Policy          string
	Rows            int
}

// WriteText writes the verdict as `refit gate` prints it: a headline, a
// table of every check and the verdict line.
func (v Verdict) WriteText(w io.Writer, h GateHeader) error {
	champ := "none"
	if h.Champion != "" {
		champ = h.Champion
		if h.ChampionVersion != "" && h.ChampionVersion != champ {
			champ += " (" + h.ChampionVersion + ")"
		}
	}
	fmt.Fprintf(w, "candidate %s vs champion %s on %d rows, label %s\n\n", h.Candidate, champ, h.Rows, h.Label)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "result\tgate\tslice\tobserved\tinterval\tthreshold\treason")
	for _, c := range v.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", passText(c.Pass), c.Gate, orDash(c.Slice),
			ptrNum(c.Observed), c.Interval, ptrNum(c.Threshold), c.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nverdict: %s (%d of %d checks failed)\n", passText(v.Pass), len(v.Failed()), len(v.Checks))
	return err
}

// WriteMarkdown writes the verdict as Markdown (a CI step summary such
// as $GITHUB_STEP_SUMMARY): a headline with the verdict, then a table of
// every check, failed ones first.
func (v Verdict) WriteMarkdown(w io.Writer, h GateHeader) error {
	failed := v.Failed()
	icon, verdict := "✅", "passed"
	if !v.Pass {
		icon, verdict = "❌", fmt.Sprintf("%d of %d checks failed", len(failed), len(v.Checks))
	}
	champ := "none"
	if h.Champion != "" {
		champ = "`" + h.Champion + "`"
		if h.ChampionVersion != "" && h.ChampionVersion != h.Champion {
			champ += " (" + h.ChampionVersion + ")"
		}
	}
	fmt.Fprintf(w, "## %s refit gate: %s\n\ncandidate `%s` vs champion %s on %s rows, label `%s`, policy %s\n\n",
		icon, verdict, h.Candidate, champ, numfmt.Count(int64(h.Rows)), h.Label, h.Policy)
	fmt.Fprintln(w, "| result | gate | slice | observed | interval | threshold | reason |\n|---|---|---|---|---|---|---|")
	for _, c := range append(failed, v.passed()...) {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", passMark(c.Pass), cell(c.Gate), cell(orDash(c.Slice)),
			ptrNum(c.Observed), c.Interval, ptrNum(c.Threshold), cell(c.Reason))
	}
	return nil
}

// passed returns the checks that passed.
func (v Verdict) passed() []GateResult {
	var ok []GateResult
	for _, c := range v.Checks {
		if c.Pass {
			ok = append(ok, c)
		}
	}
	return ok
}

func passText(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func passMark(ok bool) string {
	if ok {
		return "✅ pass"
	}
	return "❌ fail"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ptrNum formats a gate's figure: "-" when absent, whole numbers from
// 1e4 up, else four significant digits.
func ptrNum(p *float64) string {
	if p == nil {
		return "-"
	}
	return FormatMetric(map[string]float64{"": *p}, "")
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
