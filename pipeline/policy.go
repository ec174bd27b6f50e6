package pipeline

import (
	"fmt"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/registry"
)

// Policy is how a run decides to retrain and whether the gates bind. A
// backtest runs the configured policy beside the two baselines.
//
// Every policy runs the data checks: blocked data stops a run under each
// of them, so no policy trains on data the checks reject and a backtest
// compares retraining decisions, not training on garbage. The baselines
// still evaluate and record the gates, but promote whatever they train.
type Policy string

// Policies.
const (
	// PolicyConfigured retrains on the triggers of refit.yaml (no
	// champion, a drift alert, the monitor's threshold, Options.Force)
	// and promotes only when every gate passes.
	PolicyConfigured Policy = "configured"
	// PolicyNever trains only while there is no champion and then keeps
	// the first champion forever: the "never retrain" baseline.
	PolicyNever Policy = "never"
	// PolicyAlways retrains on every batch of new data that passes the
	// data checks and promotes the candidate whatever the gates say: the
	// "always retrain and promote" baseline.
	PolicyAlways Policy = "always"
)

// Policies lists the policies in the order a backtest shows them.
var Policies = []Policy{PolicyConfigured, PolicyNever, PolicyAlways}

// check reports an unknown policy.
func (p Policy) check() error {
	switch p {
	case "", PolicyConfigured, PolicyNever, PolicyAlways:
		return nil
	}
	return fmt.Errorf("%w: policy %q: want configured, never or always", ErrConfig, string(p))
}

// policyDecision is a baseline's decision to retrain, which needs no
// evidence; decided is false under the configured policy, whose triggers
// decide.
func (r *run) policyDecision() (decided, retrain bool) {
	switch r.opts.Policy {
	case PolicyNever:
		r.reason("policy never: keep champion %s whatever the data", r.rec.ChampionBefore)
		r.rec.Outcome = OutcomeKept
		return true, false
	case PolicyAlways:
		r.reason("policy always: retrain on every batch of new data")
		return true, true
	}
	return false, false
}

// gatesAdvisory reports whether the run promotes although gates failed
// (the baselines do), and records the failures as reasons.
func (r *run) gatesAdvisory(v *evaluate.Verdict) bool {
	if r.opts.Policy != PolicyNever && r.opts.Policy != PolicyAlways {
		return false
	}
	for _, f := range v.Failed() {
		r.reason("gate failed, promoted anyway (policy %s): %s", r.opts.Policy, f.Reason)
	}
	return true
}

// promotion is how a candidate with verdict v is promoted, and why.
func (r *run) promotion(v *evaluate.Verdict) (registry.PromoteOptions, string) {
	if v.Pass {
		return registry.PromoteOptions{Reason: "run " + r.rec.ID + ": all gates passed"}, "passed every gate"
	}
	why := fmt.Sprintf("failed %d gates but policy %s promotes", len(v.Failed()), r.opts.Policy)
	return registry.PromoteOptions{Force: true, Reason: "run " + r.rec.ID + ": " + why}, why
}
