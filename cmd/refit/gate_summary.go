package main

import (
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/pipeline"
)

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
