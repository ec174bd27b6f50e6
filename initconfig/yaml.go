package initconfig

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/profile"
)

// YAML is the commented refit.yaml of the plan. Strings are quoted as
// YAML double-quoted scalars (strconv.Quote's escapes are a subset).
func (p *Plan) YAML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `# refit.yaml, written by 'refit init'. Every key, its default and an
# example: 'refit help config'. Relative paths are relative to this file.
#
# The data had %s rows with these columns:
`, countText(p.Rows))
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#   column\ttype\tnulls\tdistinct")
	for _, c := range p.Columns {
		fmt.Fprintf(tw, "#   %s\t%s\t%s\t%s\n", c.Name, c.Type, percentText(c.Nulls, p.Rows), distinctText(c))
	}
	tw.Flush()
	for _, e := range p.Excluded {
		fmt.Fprintf(&b, "# Not a feature: %s.\n", e)
	}
	fmt.Fprintf(&b, `
workspace: refit-workspace
data:
  source: [%s]
  time_column: %s
# Checks every new batch must pass before it is trained on, inferred from
# the data by 'refit infer': edit them ('refit help expectations').
expectations: expectations.yaml
# Drift of each feature against the champion's training data (PSI).
drift: {metric: psi, warn: 0.1, alert: 0.25}
train:
  label: %s
  features: [%s]
  # Train on the most recent 90 days of data; the holdout is its last 10%%.
  window: 90d
  hidden: [64, 32]
  epochs: 30
  seed: 7
# Prune half of the weights, then store them as int8, unless the headline
# metric drops by more than 0.01.
optimize:
  prune: {sparsity: 0.5, finetune_epochs: 2}
  quantize: {bits: 8}
  max_metric_drop: 0.01
evaluate:
  holdout: 0.1
  # A candidate is promoted only if every gate passes ('refit help gate-policy').
  gates:
`, quoteList(p.Source), quote(p.TimeColumn), quote(p.Label), quoteList(p.Features))
	if p.Binary {
		b.WriteString(`    - {metric: auc, min: 0.6}
    - {metric: auc, max_drop_vs_champion: 0.005}
    - {metric: auc, per_slice: true, min_slice_rows: 200, max_drop_vs_champion: 0.02}
`)
	} else {
		b.WriteString("    # Add the gates of your task's metric (rmse, accuracy ...) here.\n")
	}
	b.WriteString(`    - {latency_p99_us: 1000}
# 'refit serve' runs these; 'refit run --config refit.yaml' runs once.
schedules:
  - {name: nightly, cron: "CRON_TZ=UTC 0 2 * * *", job: run}
# Commands or URLs told about each promotion, with the model card as JSON.
# hooks:
#   on_promote: ["./notify.sh", "https://hooks.example.com/refit"]
`)
	return b.String()
}

// quote quotes a string as a YAML double-quoted scalar when it needs it.
func quote(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n\\") && strings.TrimSpace(s) == s
	if plain {
		if _, err := strconv.ParseFloat(s, 64); err != nil && !isYAMLWord(s) {
			return s
		}
	}
	return strconv.Quote(s)
}

// isYAMLWord reports words YAML reads as something other than a string.
func isYAMLWord(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
		return true
	}
	return strings.HasPrefix(s, "-") || strings.HasPrefix(s, "?")
}

func quoteList(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = quote(s)
	}
	return strings.Join(out, ", ")
}

func countText(n int64) string {
	if n < 0 {
		return "?"
	}
	return numfmt.Count(n)
}

func percentText(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 2, 64) + "%"
}

func distinctText(c profile.ColumnResult) string {
	if c.Kind == "other" {
		return "-"
	}
	if c.DistinctExact {
		return countText(c.Distinct)
	}
	return "~" + countText(c.Distinct)
}
