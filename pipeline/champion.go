package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/profile"
)

// Artifact names of a registered model version.
const (
	artifactModel   = registry.ModelArtifact
	artifactProfile = "profile.json" // the training rows' profile, the drift reference
	artifactEval    = "eval.json"
	artifactCard    = "MODEL_CARD.md"
)

// champion is the current champion with what the run compares against.
type champion struct {
	id      string
	path    string
	model   *model.Model
	profile *profile.Profile
	quality *trainingQuality // nil for models registered without one
	// holdout is the champion's own evaluation on its holdout when it was
	// registered (the first result of eval.json); nil when absent.
	holdout *evaluate.Result
}

// loadChampion returns the run's champion, reading it on first use; the
// champion cannot change before the run's own promotion at the end.
func (r *run) loadChampion(ctx context.Context) (*champion, error) {
	if r.champ != nil {
		return r.champ, nil
	}
	c, err := r.readChampion(ctx)
	if err == nil {
		r.champ = c
	}
	return c, err
}

// readChampion loads the champion's model (verifying its checksum) and
// its training profile.
func (r *run) readChampion(ctx context.Context) (*champion, error) {
	v, err := r.reg.Resolve(ctx, "champion")
	if err != nil {
		return nil, err
	}
	return readVersion(v)
}

// readVersion loads a registered version's model, training profile and
// quality statistics.
func readVersion(v registry.Version) (*champion, error) {
	var err error
	c := &champion{id: v.ID}
	art, ok := v.Artifact(artifactModel)
	if !ok {
		return nil, fmt.Errorf("pipeline: model %s has no %s", v.ID, artifactModel)
	}
	c.path = art.Path
	if c.model, err = model.Load(art.Path); err != nil {
		return nil, fmt.Errorf("pipeline: model %s: %w", v.ID, err)
	}
	if art, ok := v.Artifact(artifactProfile); ok {
		data, err := os.ReadFile(art.Path)
		if err != nil {
			return nil, fmt.Errorf("pipeline: model %s: %w", v.ID, err)
		}
		if c.profile, err = profile.Decode(data); err != nil {
			return nil, fmt.Errorf("pipeline: model %s profile: %w", v.ID, err)
		}
	}
	if c.quality, err = readQuality(v); err != nil {
		return nil, err
	}
	if c.holdout, err = readHoldout(v); err != nil {
		return nil, err
	}
	return c, nil
}

// readHoldout reads the version's own holdout result from its eval.json;
// nil when it has none.
func readHoldout(v registry.Version) (*evaluate.Result, error) {
	art, ok := v.Artifact(artifactEval)
	if !ok {
		return nil, nil
	}
	data, err := os.ReadFile(art.Path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: model %s: %w", v.ID, err)
	}
	var eval struct {
		Results []evaluate.Result `json:"results"`
	}
	if err := json.Unmarshal(data, &eval); err != nil {
		return nil, fmt.Errorf("pipeline: model %s %s: %w", v.ID, artifactEval, err)
	}
	if len(eval.Results) == 0 {
		return nil, nil
	}
	return &eval.Results[0], nil
}

// drift compares the new data with the champion's training rows on the
// features and the time column, and returns the features that alerted.
// Instants are judged by their hour and weekday distributions, never by
// their range, which moves with the clock (see drift.Compare).
func (r *run) drift(ctx context.Context, c *champion, b *newData) ([]DriftEvidence, error) {
	if c.profile == nil {
		r.reason("champion %s has no training profile: drift not measured", c.id)
		return nil, nil
	}
	cur, err := projectProfile(b.profile, c.profile)
	if err != nil {
		return nil, err
	}
	rep, err := drift.Compare(ctx, c.profile, cur, drift.Options{
		PSIWarn: r.cfg.Drift.Warn, PSIAlert: r.cfg.Drift.Alert, Columns: r.driftColumns(c.profile),
	})
	if err != nil {
		return nil, err
	}
	r.rec.Drift = rep
	r.driftCost(ctx, c, rep, b)
	if rep.Verdict != validate.VerdictAlert {
		r.reason("drift %s against champion %s's training data", rep.Verdict, c.id)
		return nil, nil
	}
	return alertEvidence(rep, r.cfg.Drift.Alert), nil
}

// driftColumns are the features and the time column (by its calendar),
// those of them the reference profile has.
func (r *run) driftColumns(ref *profile.Profile) []string {
	var out []string
	for _, name := range append(slices.Clone(r.cfg.Train.Features), r.cfg.Data.TimeColumn) {
		if name != "" && !slices.Contains(out, name) && slices.ContainsFunc(ref.Columns, func(c *profile.Column) bool { return c.Name == name }) {
			out = append(out, name)
		}
	}
	return out
}

// projectProfile returns the columns of cur that ref has, in ref's order,
// so the two compare column by column.
func projectProfile(cur, ref *profile.Profile) (*profile.Profile, error) {
	out := &profile.Profile{Rows: cur.Rows, Options: cur.Options}
	var fields = ref.Schema.Fields()[:0:0]
	for _, rc := range ref.Columns {
		for i, cc := range cur.Columns {
			if cc.Name == rc.Name {
				out.Columns = append(out.Columns, cc)
				fields = append(fields, cur.Schema.Field(i))
			}
		}
	}
	out.Schema = newSchema(fields)
	return out, nil
}
