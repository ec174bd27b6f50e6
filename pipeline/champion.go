package pipeline

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate"
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
	profile *validate.Profile
	quality *trainingQuality // nil for models registered without one
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
		if c.profile, err = validate.DecodeProfile(data); err != nil {
			return nil, fmt.Errorf("pipeline: model %s profile: %w", v.ID, err)
		}
	}
	if c.quality, err = readQuality(v); err != nil {
		return nil, err
	}
	return c, nil
}

// drift compares the new data with the champion's training rows on the
// features and the time column, and returns the features that alerted.
// Instants are judged by their hour and weekday distributions, never by
// their range, which moves with the clock (see validate.Drift).
func (r *run) drift(ctx context.Context, c *champion, b *newData) ([]DriftEvidence, error) {
	if c.profile == nil {
		r.reason("champion %s has no training profile: drift not measured", c.id)
		return nil, nil
	}
	cur, err := projectProfile(b.profile, c.profile)
	if err != nil {
		return nil, err
	}
	rep, err := validate.Drift(ctx, c.profile, cur, validate.DriftOptions{
		PSIWarn: r.cfg.Drift.Warn, PSIAlert: r.cfg.Drift.Alert, Columns: r.driftColumns(c.profile),
	})
	if err != nil {
		return nil, err
	}
	r.rec.Drift = rep
	if rep.Verdict != validate.VerdictAlert {
		r.reason("drift %s against champion %s's training data", rep.Verdict, c.id)
		return nil, nil
	}
	return alertEvidence(rep, r.cfg.Drift.Alert), nil
}

// driftColumns are the features and the time column (by its calendar),
// those of them the reference profile has.
func (r *run) driftColumns(ref *validate.Profile) []string {
	var out []string
	for _, name := range append(slices.Clone(r.cfg.Train.Features), r.cfg.Data.TimeColumn) {
		if name != "" && !slices.Contains(out, name) && slices.ContainsFunc(ref.Columns, func(c *validate.ColumnProfile) bool { return c.Name == name }) {
			out = append(out, name)
		}
	}
	return out
}

// projectProfile returns the columns of cur that ref has, in ref's order,
// so the two compare column by column.
func projectProfile(cur, ref *validate.Profile) (*validate.Profile, error) {
	out := &validate.Profile{Rows: cur.Rows, Options: cur.Options}
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

// monitor scores the champion on the new labelled rows; a metric past the
// configured threshold calls for a retrain.
func (r *run) monitor(ctx context.Context, c *champion, b *newData) (bool, error) {
	m := r.cfg.Monitor
	if m.RetrainBelow == nil && m.RetrainAbove == nil {
		return false, nil
	}
	sc, err := evaluate.Score(ctx, []*model.Model{c.model}, b.ds.Schema(), b.ds.Records(ctx),
		evaluate.ScoreOptions{Label: r.cfg.Train.Label, NoAutoSlices: true})
	if err != nil {
		return false, fmt.Errorf("pipeline: monitor: %w", err)
	}
	res, err := evaluate.EvaluateModels(ctx, sc, []*model.Model{c.model}, []string{c.id}, []string{""}, evaluate.ModelOptions{NoCost: true})
	if err != nil {
		return false, fmt.Errorf("pipeline: monitor: %w", err)
	}
	metric := m.Metric
	if metric == "" {
		metric = evaluate.Headline(res[0].Task)
	}
	v, ok := res[0].Metrics[metric]
	if !ok {
		return false, fmt.Errorf("pipeline: monitor: metric %q not measured for a %s model", metric, res[0].Task)
	}
	mr := &MonitorResult{Metric: metric, Value: v, Rows: res[0].Rows}
	if m.RetrainBelow != nil {
		mr.Threshold, mr.Breached = *m.RetrainBelow, v < *m.RetrainBelow
	} else {
		mr.Threshold, mr.Breached = *m.RetrainAbove, v > *m.RetrainAbove
	}
	r.rec.Monitor = mr
	if mr.Breached {
		r.reason("champion %s's %s on the new rows is %.4f, past %.4f: retrain", c.id, metric, v, mr.Threshold)
	} else {
		r.reason("champion %s's %s on the new rows is %.4f (threshold %.4f)", c.id, metric, v, mr.Threshold)
	}
	return mr.Breached, nil
}
