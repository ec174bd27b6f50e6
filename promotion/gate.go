package promotion

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/holdout"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
)

// GateRequest names the models, policy and data of one gate.
type GateRequest struct {
	// Candidate, Champion and Parent are model references (see package
	// modelref); Champion and Parent are optional.
	Candidate, Champion, Parent string
	// Workspace is where references that are not files resolve.
	Workspace string
	// Policy is a gate policy file; "" takes the evaluate.gates of Config's
	// refit.yaml, else the default policy of the candidate's task.
	Policy, Config string
	// Register registers the candidate with the verdict in Workspace (see
	// RegisterVerdict), creating it if needed: a missing workspace then
	// means no champion.
	Register bool
	// Holdout is the data the models are compared on.
	Holdout holdout.Options
}

// Gate is a gate ready to run: its models loaded and its policy read.
type Gate struct {
	req    GateRequest
	roles  evaluate.Roles
	policy *evaluate.Policy
	report GateReport
}

// NewGate loads the candidate, the champion (none when the alias or the
// workspace does not exist yet) and the parent, and reads the policy.
func NewGate(ctx context.Context, req GateRequest) (*Gate, error) {
	if req.Candidate == "" {
		return nil, errors.New("--candidate is required")
	}
	g := &Gate{req: req}
	if err := g.load(ctx); err != nil {
		return nil, err
	}
	var err error
	g.policy, g.report.Policy, err = Policy(req.Policy, req.Config, evaluate.Task(g.report.Candidate.Model.Task()))
	return g, err
}

func (g *Gate) load(ctx context.Context) error {
	req, out := g.req, &g.report
	cand, err := modelref.Load(ctx, req.Candidate, req.Workspace)
	if err != nil {
		return err
	}
	out.Candidate, g.roles.Candidate = cand, cand.Entry()
	if req.Champion != "" {
		out.Champion, err = modelref.Load(ctx, req.Champion, req.Workspace)
		if errors.Is(err, registry.ErrNotFound) || (req.Register && errors.Is(err, registry.ErrNoWorkspace)) {
			out.Champion, err = nil, nil // no champion yet (registering creates the workspace)
		}
		if err != nil {
			return err
		}
		if out.Champion != nil {
			e := out.Champion.Entry()
			g.roles.Champion = &e
		}
	}
	if req.Parent != "" {
		if out.Parent, err = modelref.Load(ctx, req.Parent, req.Workspace); err != nil {
			return err
		}
		e := out.Parent.Entry()
		g.roles.Parent = &e
	}
	return nil
}

// Run scores the models on the holdout data, checks every gate and, with
// Register, registers the candidate with the verdict.
func (g *Gate) Run(ctx context.Context) (*GateReport, error) {
	d, err := g.req.Holdout.Compare(ctx, g.policy, g.roles)
	if err != nil {
		return nil, err
	}
	out := g.report
	out.Label, out.Rows, out.Results, out.Verdict = d.Label, d.Rows, d.Results, d.Verdict
	if g.req.Register {
		if err := RegisterVerdict(ctx, g.req.Workspace, &out); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// Policy is the policy file path, else the evaluate.gates of the config
// file, else the default policy of task, with a name for the output.
func Policy(path, config string, task evaluate.Task) (*evaluate.Policy, string, error) {
	if path == "" && config != "" {
		cfg, err := pipeline.Load(config)
		if err != nil {
			return nil, "", err
		}
		if len(cfg.Evaluate.Gates) > 0 {
			pol := &evaluate.Policy{Gates: cfg.Evaluate.Gates}
			return pol, config + " evaluate.gates", pol.Validate()
		}
	}
	if path == "" {
		return evaluate.DefaultPolicy(task), "default", nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("--policy: %w", err)
	}
	defer file.Close()
	pol, err := evaluate.DecodePolicy(file, path)
	if err != nil {
		return nil, "", err
	}
	return pol, path, pol.Validate()
}
