package pipeline

import (
	"context"
	"fmt"
	"math"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
)

// scoredChampion is a policy's champion as a backtest scores it.
type scoredChampion struct {
	id    string
	sum   string // the model file's SHA-256: identical models score once
	model *model.Model
}

// loadScoredChampion reads version id's model from the workspace ws.
func loadScoredChampion(ctx context.Context, ws, id string) (*scoredChampion, error) {
	reg, err := registry.Open(ctx, ws, registry.Options{})
	if err != nil {
		return nil, fmt.Errorf("pipeline: backtest: %w", err)
	}
	defer reg.Close()
	v, err := reg.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("pipeline: backtest: %w", err)
	}
	art, ok := v.Artifact(artifactModel)
	if !ok {
		return nil, fmt.Errorf("pipeline: backtest: champion %s has no %s", id, artifactModel)
	}
	m, err := model.Load(art.Path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: backtest: champion %s: %w", id, err)
	}
	return &scoredChampion{id: id, sum: art.SHA256, model: m}, nil
}

// scoreChampions scores every policy's current champion on the labelled
// rows of s in one pass and returns each policy's metric (nil without a
// champion, without labelled rows, or when the metric is undefined). It
// sets per.Scored and, on first use, bt.Metric.
func scoreChampions(ctx context.Context, cfg *Config, opts BacktestOptions, replays []*replay, s span, bt *BacktestResult, per *Period) ([]*float64, error) {
	out := make([]*float64, len(replays))
	models, names, which := distinctChampions(replays)
	if len(models) == 0 {
		return out, nil
	}
	ds, err := ingest.Open(ctx, cfg.Sources(), ingest.Options{Limits: opts.Limits, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	rs := rows{ds: ds, timeCol: cfg.Data.TimeColumn, span: s}
	sc, err := evaluate.Score(ctx, models, ds.Schema(), rs.records(ctx), evaluate.ScoreOptions{Label: cfg.Train.Label, NoAutoSlices: true})
	if err != nil {
		return nil, fmt.Errorf("pipeline: backtest: scoring %s: %w", s, err)
	}
	if per.Scored = sc.Rows; sc.Rows == 0 {
		return out, nil
	}
	res, err := evaluate.EvaluateModels(ctx, sc, models, names, make([]string, len(models)), evaluate.ModelOptions{NoCost: true})
	if err != nil {
		return nil, fmt.Errorf("pipeline: backtest: scoring %s: %w", s, err)
	}
	if bt.Metric == "" {
		bt.Metric = evaluate.Headline(res[0].Task)
	}
	for i, j := range which {
		if j < 0 {
			continue
		}
		if v, ok := res[j].Metrics[bt.Metric]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[i] = &v
		}
	}
	return out, nil
}

// distinctChampions returns the policies' distinct champion models and,
// per policy, the index of its champion among them (-1 for none).
func distinctChampions(replays []*replay) (models []*model.Model, names []string, which []int) {
	seen := map[string]int{}
	which = make([]int, len(replays))
	for i, rp := range replays {
		which[i] = -1
		if rp.champ == nil {
			continue
		}
		j, ok := seen[rp.champ.sum]
		if !ok {
			j = len(models)
			seen[rp.champ.sum] = j
			models, names = append(models, rp.champ.model), append(names, string(rp.policy)+" "+rp.champ.id)
		}
		which[i] = j
	}
	return models, names, which
}
