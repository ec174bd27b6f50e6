package model

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// Task is what a model predicts.
type Task string

// The tasks a Model can have.
const (
	// TaskBinary predicts the probability of the positive class
	// (Spec.Labels[1]). The last layer has one output and a sigmoid.
	TaskBinary Task = "binary"
	// TaskMulticlass predicts one probability per class. The last layer has
	// len(Spec.Labels) outputs and a softmax.
	TaskMulticlass Task = "multiclass"
	// TaskRegression predicts one value. The last layer has one output; its
	// value is de-standardized with Spec.TargetMean and Spec.TargetStd.
	TaskRegression Task = "regression"
)

// Spec describes what a model predicts and where it came from.
type Spec struct {
	// Task is binary, multiclass or regression.
	Task Task
	// Labels maps class indices to class names for classification:
	// binary needs exactly two, [negative, positive]; multiclass needs one
	// per output. Regression must leave it empty.
	Labels []string
	// TargetMean and TargetStd undo the standardization of a regression
	// target: prediction = output*TargetStd + TargetMean. TargetStd
	// defaults to 1 (zero means "not standardized"). Classification must
	// leave both zero.
	TargetMean, TargetStd float64
	// Lineage is free-form provenance: dataset fingerprint, parent version,
	// creation time. The caller supplies every value (the encoder never
	// reads the clock), so the same model always encodes to the same bytes.
	Lineage map[string]string
}

// withDefaults returns a deep copy of s with defaults filled in.
func (s Spec) withDefaults() Spec {
	s.Labels = slices.Clone(s.Labels)
	s.Lineage = maps.Clone(s.Lineage)
	if s.Lineage == nil {
		s.Lineage = map[string]string{}
	}
	if s.Task == TaskRegression && s.TargetStd == 0 {
		s.TargetStd = 1
	}
	return s
}

// outputs is the width of the last layer the task needs.
func (s Spec) outputs() int {
	if s.Task == TaskMulticlass {
		return len(s.Labels)
	}
	return 1
}

// validate checks a Spec after withDefaults.
func (s Spec) validate() error {
	switch s.Task {
	case TaskBinary, TaskMulticlass:
		if s.Task == TaskBinary && len(s.Labels) != 2 {
			return fmt.Errorf("binary task needs 2 labels, got %d", len(s.Labels))
		}
		if s.Task == TaskMulticlass && len(s.Labels) < 2 {
			return fmt.Errorf("multiclass task needs at least 2 labels, got %d", len(s.Labels))
		}
		if s.TargetMean != 0 || s.TargetStd != 0 {
			return fmt.Errorf("%s task must not set a target mean/std", s.Task)
		}
		return checkUnique("label", s.Labels)
	case TaskRegression:
		if len(s.Labels) != 0 {
			return fmt.Errorf("regression task must not have labels")
		}
		if !finite(s.TargetMean) || !finite(s.TargetStd) || s.TargetStd <= 0 {
			return fmt.Errorf("target mean %v / std %v: need finite values and std > 0", s.TargetMean, s.TargetStd)
		}
		return nil
	default:
		return fmt.Errorf("unknown task %q", s.Task)
	}
}

func checkUnique(what string, names []string) error {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return fmt.Errorf("duplicate %s %q", what, n)
		}
		seen[n] = true
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
