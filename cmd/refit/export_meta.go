package main

import (
	"context"
	"encoding/json"
	"os"
	"time"
)

// versionMetadata adds what the registry knows about lm's version to md
// (version, dates, gate, metrics, model card, training window) and the
// training profile's column types to schema.
func versionMetadata(ctx context.Context, workspace string, lm *loadedModel, md, schema map[string]string) error {
	v, err := resolveVersion(ctx, lm.Version, workspace)
	if err != nil {
		return err
	}
	md["refit.version"] = v.ID
	md["refit.created"] = v.Created.UTC().Format(time.RFC3339)
	md["refit.gate"] = string(v.Gate)
	md["refit.metrics"] = string(v.Metrics)
	for k, val := range map[string]string{"refit.parent": v.Parent, "refit.dataset": v.DatasetFingerprint, "refit.config_hash": v.ConfigHash} {
		if val != "" {
			md[k] = val
		}
	}
	if a, ok := v.Artifact("MODEL_CARD.md"); ok {
		if card, err := os.ReadFile(a.Path); err == nil {
			md["refit.model_card"] = string(card)
		}
	}
	if run := lm.m.Spec().Lineage["run"]; run != "" {
		if rec, err := readRunRecord(workspace, run); err == nil && rec.Training != nil {
			md["refit.training_window"], md["refit.holdout_window"] = rec.Training.Window, rec.Training.Holdout
		}
	}
	if a, ok := v.Artifact("profile.json"); ok {
		profileTypes(a.Path, schema)
	}
	return nil
}

// profileTypes reads the column types of a saved training profile into
// schema. A profile it cannot read is skipped: the types then default to
// float.
func profileTypes(path string, schema map[string]string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var p struct {
		Fields []struct{ Name, Type string } `json:"fields"`
	}
	if json.Unmarshal(data, &p) != nil {
		return
	}
	for _, fl := range p.Fields {
		schema[fl.Name] = fl.Type
	}
}
