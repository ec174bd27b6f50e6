package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

type gateFlags struct {
	candidate, champion, parent string
	policy, workspace, format   string
	summary                     string
	config                      *string // --config, for its workspace and gates
	register                    bool
	sf                          scoreFlags
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
	fl.StringVar(&f.candidate, "candidate", "", "candidate model file (or registry version)")
	fl.StringVar(&f.champion, "champion", "", "champion model file, registry version or alias (e.g. champion)")
	fl.StringVar(&f.parent, "parent", "", "float parent of an optimized candidate, for *_vs_parent gates")
	fl.StringVar(&f.policy, "policy", "", "gate policy YAML file (default: the policy described above)")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.BoolVar(&f.register, "register", false, "register the candidate with its verdict in --workspace")
	fl.StringVar(&f.summary, "summary", "", "write a Markdown summary of the verdict to this file (e.g. \"$GITHUB_STEP_SUMMARY\")")
	f.config = workspaceFlag(cmd, &f.workspace)
	f.sf.add(cmd)
	return cmd
}

func runGate(cmd *cobra.Command, c *cli, f *gateFlags) error {
	ctx := cmd.Context()
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	if f.candidate == "" {
		return errors.New("--candidate is required")
	}
	out, roles, err := loadGateModels(ctx, f)
	if err != nil {
		return err
	}
	pol, name, err := gatePolicy(f, evaluate.Task(out.Candidate.m.Task()))
	if err != nil {
		return err
	}
	out.Policy = name
	disp := newDisplay(cmd.ErrOrStderr(), f.format)
	disp.spin("scoring candidate and champion, measuring latency")
	d, err := f.compare(ctx, c.ingestOptions(), pol, roles)
	disp.clear()
	if err != nil {
		return err
	}
	out.Label, out.Rows, out.Results, out.Verdict = d.Label, d.Rows, d.Results, d.Verdict
	if f.register {
		if out.Registered, err = registerVerdict(ctx, f.workspace, out); err != nil {
			return err
		}
	}
	if err := writeGate(cmd.OutOrStdout(), f.format, out); err != nil {
		return err
	}
	if err := writeGateSummary(f.summary, out); err != nil {
		return err
	}
	if !out.Verdict.Pass {
		return fmt.Errorf("%w: %d gates failed", errFailed, len(out.Verdict.Failed()))
	}
	return nil
}

// compare runs evaluate.Compare on --data with the score flags.
func (f *gateFlags) compare(ctx context.Context, open ingest.Options, pol *evaluate.Policy, roles evaluate.Roles) (*evaluate.Decision, error) {
	if len(f.sf.data) == 0 {
		return nil, errors.New("--data is required")
	}
	exprs, err := f.sf.sliceExprs()
	if err != nil {
		return nil, err
	}
	ds, err := ingest.Open(ctx, f.sf.data, open)
	if err != nil {
		return nil, err
	}
	opts := evaluate.CompareOptions{
		Score:  evaluate.ScoreOptions{Label: f.sf.label, Where: f.sf.where, Slices: exprs, NoAutoSlices: f.sf.noAuto},
		NoCost: f.sf.budget <= 0, Cost: evaluate.CostOptions{Budget: seconds(f.sf.budget)},
	}
	if f.sf.bootstrap > 0 {
		opts.Options.Bootstrap = &evaluate.BootstrapOptions{Resamples: f.sf.bootstrap}
		opts.Bootstrap.Resamples = f.sf.bootstrap
	}
	d, err := evaluate.Compare(ctx, pol, roles, ds.Schema(), ds.Records(ctx), opts)
	if errors.Is(err, evaluate.ErrNoRows) {
		return nil, errors.New("no rows to evaluate (check --data, --where and --label)")
	}
	return d, err
}

// loadGateModels loads candidate, champion (if any) and parent (if any).
func loadGateModels(ctx context.Context, f *gateFlags) (gateOutput, evaluate.Roles, error) {
	var out gateOutput
	var roles evaluate.Roles
	cand, err := loadModel(ctx, f.candidate, f.workspace)
	if err != nil {
		return out, roles, err
	}
	out.Candidate, roles.Candidate = cand, cand.entry()
	if f.champion != "" {
		out.Champion, err = loadModel(ctx, f.champion, f.workspace)
		if errors.Is(err, registry.ErrNotFound) || (f.register && errors.Is(err, registry.ErrNoWorkspace)) {
			// No champion yet (--register creates the workspace).
			out.Champion, err = nil, nil
		}
		if err != nil {
			return out, roles, err
		}
		if out.Champion != nil {
			e := out.Champion.entry()
			roles.Champion = &e
		}
	}
	if f.parent != "" {
		if out.Parent, err = loadModel(ctx, f.parent, f.workspace); err != nil {
			return out, roles, err
		}
		e := out.Parent.entry()
		roles.Parent = &e
	}
	return out, roles, nil
}

// entry is the model as evaluate.Compare takes it.
func (lm *loadedModel) entry() evaluate.Entry {
	return evaluate.Entry{Model: lm.m, Name: lm.Ref, Path: lm.Path}
}

func loadPolicy(path string, task evaluate.Task) (*evaluate.Policy, error) {
	if path == "" {
		return evaluate.DefaultPolicy(task), nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--policy: %w", err)
	}
	defer file.Close()
	pol, err := evaluate.DecodePolicy(file, path)
	if err != nil {
		return nil, err
	}
	return pol, pol.Validate()
}
