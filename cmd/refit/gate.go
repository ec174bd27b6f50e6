package main

import (
	"fmt"

	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/promotion"
	"github.com/spf13/cobra"
)

// gateFlags are refit gate's flags.
type gateFlags struct {
	req            promotion.GateRequest
	summary        string
	format, config *string
}

func newGateCmd(c *cli) *cobra.Command {
	var f gateFlags
	cmd := &cobra.Command{
		Use:   "gate --candidate M --champion M|ALIAS --data HOLDOUT",
		Short: "Check a candidate model against the champion with promotion gates (exit 1 if any fails)",
		Long: `gate evaluates the candidate, the champion and the optional float parent on
the same holdout rows and checks every gate of the policy, printing each
gate's observed value, threshold, pass/fail and reason. Exit code 0 when all
gates pass, 1 when one fails, 2 for bad input: usable as a CI step.

--champion is a model file, or a registry version or alias ("champion") in
--workspace; when the alias is not set yet, there is no champion and gates
relative to it pass with the reason "no champion".

Comparisons with the champion and the parent use a paired bootstrap on
the same rows (overall and per slice): a drop or rise gate fails only when
the whole 90% interval of the worsening lies beyond its limit (its lower
end, a one-sided 95% bound, exceeds the limit), and beat_champion_beyond_ci
passes when the whole interval of the gain lies above 0. The models are
timed together, sample by sample; latency changes below 1 µs (floor_us) are
not compared. Every line shows the observed value, its interval and the
threshold.

Without --policy, the evaluate.gates of --config's refit.yaml apply, and
without either the default policy:
  - the headline metric (binary auc, multiclass accuracy, regression r2)
    is not shown to drop more than 0.005 below the champion's;
  - binary: auc >= 0.5; regression: r2 >= 0;
  - latency p99 at batch 1 not shown more than 20% above the champion's;
  - the model file at most 20% larger than the champion's.

--register records the candidate in the registry with its metrics and the
verdict (passed or failed); only a passed version can be promoted without
--force. This is how a model gets into the registry promotable.`,
		Example: `  refit gate --candidate new.safetensors --champion champion --data holdout.parquet --label 'delay > 15'
  refit gate --candidate new.safetensors --champion champion --data holdout.parquet --policy gates.yaml --register`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGate(cmd, c, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.req.Candidate, "candidate", "", "candidate model file (or registry version)")
	fl.StringVar(&f.req.Champion, "champion", "", "champion model file, registry version or alias (e.g. champion)")
	fl.StringVar(&f.req.Parent, "parent", "", "float parent of an optimized candidate, for *_vs_parent gates")
	fl.StringVar(&f.req.Policy, "policy", "", "gate policy YAML file (default: the policy described above)")
	f.format = formatFlag(cmd)
	fl.BoolVar(&f.req.Register, "register", false, "register the candidate with its verdict in --workspace")
	fl.StringVar(&f.summary, "summary", "", "write a Markdown summary of the verdict to this file (e.g. \"$GITHUB_STEP_SUMMARY\")")
	f.config = workspaceFlag(cmd, &f.req.Workspace)
	f.req.Holdout.AddFlags(fl)
	return cmd
}

func runGate(cmd *cobra.Command, c *cli, f *gateFlags) error {
	ctx := cmd.Context()
	f.req.Config, f.req.Holdout.Ingest = *f.config, c.ingestOptions()
	g, err := promotion.NewGate(ctx, f.req)
	if err != nil {
		return err
	}
	disp := progress.New(cmd.ErrOrStderr(), *f.format)
	disp.Spin("scoring candidate and champion, measuring latency")
	out, err := g.Run(ctx)
	disp.Clear()
	if err != nil {
		return err
	}
	if err := writeOut(cmd.OutOrStdout(), *f.format, out, out.WriteText); err != nil {
		return err
	}
	if err := out.WriteSummary(f.summary); err != nil {
		return err
	}
	if !out.Verdict.Pass {
		return fmt.Errorf("%w: %d gates failed", errFailed, len(out.Verdict.Failed()))
	}
	return nil
}
