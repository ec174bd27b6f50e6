package pipeline

import (
	"encoding/json"
	"fmt"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/registry"
)

// VerdictRequest is the one way a gated candidate is registered, by `refit
// run` and `refit gate --register` alike: its metrics as a flat map of the
// candidate's holdout metrics (the shape `refit models show` prints), the
// verdict as the gate reasons and passed or failed as the gate. The caller
// adds the files and lineage.
func VerdictRequest(candidate evaluate.Result, v *evaluate.Verdict) (registry.RegisterRequest, error) {
	metrics, err := json.Marshal(candidate.Metrics)
	if err != nil {
		return registry.RegisterRequest{}, fmt.Errorf("pipeline: encode metrics: %w", err)
	}
	reasons, err := json.Marshal(v)
	if err != nil {
		return registry.RegisterRequest{}, fmt.Errorf("pipeline: encode verdict: %w", err)
	}
	req := registry.RegisterRequest{Metrics: metrics, GateReasons: reasons, Gate: registry.GateFailed}
	if v.Pass {
		req.Gate = registry.GatePassed
	}
	return req, nil
}
