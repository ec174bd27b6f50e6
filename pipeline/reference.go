package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
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
	Label        string           `json:"label"`
	LabelProfile *profile.Profile `json:"label_profile,omitempty"`
}

// profileTraining profiles the training rows (the next runs' drift and
// quality reference) and, in the same pass, counts their duplicate rows
// and profiles the label's values.
func profileTraining(ctx context.Context, rs rows, label string) (*profile.Profile, *trainingQuality, error) {
	acc, err := newTrainingAccumulator(rs.ds.Schema(), label)
	if err != nil {
		return nil, nil, err
	}
	for rec, err := range rs.records(ctx) {
		if err != nil {
			return nil, nil, err
		}
		if err := acc.add(rec); err != nil {
			return nil, nil, err
		}
	}
	p, q := acc.result()
	return p, q, nil
}

// trainingAccumulator gathers profileTraining's results record by record.
type trainingAccumulator struct {
	profile *profile.Profile
	dups    *expect.DuplicateCounter
	label   *expect.LabelProfiler
	q       trainingQuality
}

func newTrainingAccumulator(schema *arrow.Schema, label string) (*trainingAccumulator, error) {
	a := &trainingAccumulator{profile: profile.New(schema, profile.Options{}), q: trainingQuality{Label: label}}
	for _, f := range schema.Fields() {
		a.q.DuplicateColumns = append(a.q.DuplicateColumns, f.Name)
	}
	a.dups = expect.NewDuplicateCounter(a.q.DuplicateColumns, 0)
	var err error
	a.label, err = expect.NewLabelProfiler(label, schema)
	return a, err
}

// add accumulates rec; it is only read during the call.
func (a *trainingAccumulator) add(rec arrow.Record) error {
	if err := a.profile.Add(rec); err != nil {
		return err
	}
	if err := a.dups.Add(rec); err != nil {
		return err
	}
	return a.label.Add(rec)
}

// result returns the profile and quality statistics so far; later adds
// change them.
func (a *trainingAccumulator) result() (*profile.Profile, *trainingQuality) {
	q := a.q
	rows, d, ok := a.dups.Duplicates()
	q.Rows = rows
	if ok {
		q.DuplicateRows = &d
	}
	q.LabelProfile = a.label.Profile()
	return a.profile, &q
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
		return nil, fmt.Errorf("pipeline: model %s: %w", v.ID, err)
	}
	q := &trainingQuality{}
	if err := json.Unmarshal(data, q); err != nil {
		return nil, fmt.Errorf("pipeline: model %s quality: %w", v.ID, err)
	}
	return q, nil
}
