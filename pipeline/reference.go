package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate"
)

// artifactQuality is the training rows' statistics the profile lacks.
const artifactQuality = "quality.json"

// trainingQuality is what the quality gate compares new data with beyond
// the training profile: the training rows' duplicate rows and the label's
// values. It is registered with a candidate as quality.json.
type trainingQuality struct {
	Rows int64 `json:"rows"`
	// DuplicateRows repeat an earlier row over DuplicateColumns; nil when
	// the count stopped at its memory cap.
	DuplicateRows    *int64   `json:"duplicate_rows,omitempty"`
	DuplicateColumns []string `json:"duplicate_columns"`
	// Label is the label expression and LabelProfile its values on the
	// training rows (nil when it could not be evaluated).
	Label        string            `json:"label"`
	LabelProfile *validate.Profile `json:"label_profile,omitempty"`
}

// profileTraining profiles the training rows (the next runs' drift and
// quality reference) and, in the same pass, counts their duplicate rows
// and profiles the label's values.
func profileTraining(ctx context.Context, rs rows, label string) (*validate.Profile, *trainingQuality, error) {
	schema := rs.ds.Schema()
	p := validate.NewProfile(schema, validate.Options{})
	q := &trainingQuality{Label: label}
	for _, f := range schema.Fields() {
		q.DuplicateColumns = append(q.DuplicateColumns, f.Name)
	}
	dups := validate.NewDuplicateCounter(q.DuplicateColumns, 0)
	lp, err := validate.NewLabelProfiler(label, schema)
	if err != nil {
		return nil, nil, err
	}
	for rec, err := range rs.records(ctx) {
		if err != nil {
			return nil, nil, err
		}
		if err := p.Add(rec); err != nil {
			return nil, nil, err
		}
		if err := dups.Add(rec); err != nil {
			return nil, nil, err
		}
		if err := lp.Add(rec); err != nil {
			return nil, nil, err
		}
	}
	var d int64
	var ok bool
	q.Rows, d, ok = dups.Duplicates()
	if ok {
		q.DuplicateRows = &d
	}
	q.LabelProfile = lp.Profile()
	return p, q, nil
}

// readQuality loads a version's quality.json; nil without one (a model
// registered before it existed).
func readQuality(v registry.Version) (*trainingQuality, error) {
	art, ok := v.Artifact(artifactQuality)
	if !ok {
		return nil, nil
	}
	data, err := os.ReadFile(art.Path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: champion %s: %w", v.ID, err)
	}
	q := &trainingQuality{}
	if err := json.Unmarshal(data, q); err != nil {
		return nil, fmt.Errorf("pipeline: champion %s quality: %w", v.ID, err)
	}
	return q, nil
}
