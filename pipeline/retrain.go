package pipeline

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate/profile"
)

// candidate is a trained (and optimized) model on its way to the registry.
type candidate struct {
	model   *model.Model
	path    string // saved model file
	profile *profile.Profile
	quality *trainingQuality
	train   rows // the training rows, with the label column
	holdout rows
	fp      string // dataset fingerprint
	// parent and parentPath are the float model an optimized candidate
	// came from; nil when not optimized.
	parent     *model.Model
	parentPath string
}

// retrain trains, optimizes, evaluates and gates a candidate, registers it
// and promotes it when every gate passes.
func (r *run) retrain(ctx context.Context) error {
	tmp, err := makeTemp(r.ws, "candidate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	c, err := r.trainCandidate(ctx, tmp)
	if err != nil {
		return err
	}
	if err := r.optimize(ctx, c, tmp); err != nil {
		return err
	}
	verdict, results, err := r.evaluate(ctx, c)
	if err != nil {
		return err
	}
	return r.register(ctx, c, verdict, results, tmp)
}

func (r *run) trainCandidate(ctx context.Context, tmp string) (*candidate, error) {
	c := &candidate{}
	err := r.stage("train", func(s *Stage) error {
		sources := r.cfg.Sources()
		ds, err := ingest.Open(ctx, sources, r.ingestOptions())
		if err != nil {
			return err
		}
		if c.fp, err = ds.Fingerprint(ctx); err != nil {
			return err
		}
		win := r.window()
		cut, n, err := cutoff(ctx, sources, r.cfg.Data.TimeColumn, r.cfg.Train.Label, win, r.cfg.Evaluate.Holdout, r.ingestOptions())
		if err != nil {
			return err
		}
		if n < 50 {
			return fmt.Errorf("pipeline: only %d rows in the training window %s", n, win)
		}
		label, err := colexpr.Compile(r.cfg.Train.Label, ds.Schema())
		if err != nil {
			return err
		}
		trainRows := rows{ds: ds, timeCol: r.cfg.Data.TimeColumn, span: span{from: win.from, to: cut}, label: label}
		c.train = trainRows
		c.holdout = rows{ds: ds, timeCol: r.cfg.Data.TimeColumn, span: span{from: cut, to: win.to}}
		if c.profile, c.quality, err = profileTraining(ctx, rows{ds: ds, timeCol: trainRows.timeCol, span: trainRows.span}, r.cfg.Train.Label); err != nil {
			return err
		}
		m, rep, err := train.Fit(ctx, r.withEpochProgress(r.cfg.Train.Config, label), train.Data{
			Train: trainRows.records, Features: r.cfg.Train.Features, Label: labelColumn,
			TimeColumn: r.cfg.Data.TimeColumn,
			Lineage: map[string]string{evaluate.LineageLabel: r.cfg.Train.Label, "dataset": c.fp,
				"trained_at": r.opts.Now.UTC().Format(time.RFC3339), "run": r.rec.ID},
		})
		if err != nil {
			return err
		}
		c.model = m
		r.rec.Training = &TrainingSummary{Window: trainRows.span.String(), Holdout: c.holdout.span.String(), Report: rep}
		s.Notes = append(s.Notes, fmt.Sprintf("%d rows, %d epochs, validation %s %.4f", rep.TrainRows, rep.Epochs, rep.Metric, rep.BestValidMetric))
		c.path = filepath.Join(tmp, artifactModel)
		return m.Save(c.path)
	})
	return c, err
}

// evaluate compares the candidate with the champion and the float parent
// on the holdout and checks the gates: evaluate.Compare, the path `refit
// gate` takes too.
func (r *run) evaluate(ctx context.Context, c *candidate) (*evaluate.Verdict, []evaluate.Result, error) {
	var verdict evaluate.Verdict
	var results []evaluate.Result
	err := r.stage("evaluate", func(s *Stage) error {
		roles := evaluate.Roles{Candidate: evaluate.Entry{Model: c.model, Name: "candidate", Path: c.path}}
		if c.parent != nil {
			roles.Parent = &evaluate.Entry{Model: c.parent, Name: floatParentName, Path: c.parentPath}
		}
		if r.rec.ChampionBefore != "" {
			champ, err := r.loadChampion(ctx)
			if err != nil {
				return err
			}
			roles.Champion = &evaluate.Entry{Model: champ.model, Name: champ.id, Path: champ.path}
		}
		d, err := evaluate.Compare(ctx, r.policy(evaluate.Task(c.model.Task())), roles, c.holdout.ds.Schema(),
			c.holdout.records(ctx), evaluate.CompareOptions{Options: evaluate.Options{Curves: true}, Score: evaluate.ScoreOptions{
				Label: r.cfg.Train.Label, Slices: sliceExprs(r.cfg.Coverage.Slices)}})
		if err != nil {
			return err
		}
		results, verdict = d.Results, d.Verdict
		r.rec.Evaluation, r.rec.Verdict = results, &verdict
		s.Notes = append(s.Notes, fmt.Sprintf("%d holdout rows; gates %s", d.Rows, passText(verdict.Pass)))
		note, err := r.recalibrate(ctx, c)
		if note != "" {
			s.Notes = append(s.Notes, note)
		}
		return err
	})
	return &verdict, results, err
}

func passText(ok bool) string {
	if ok {
		return "passed"
	}
	return "failed"
}

func (r *run) policy(task evaluate.Task) *evaluate.Policy {
	if len(r.cfg.Evaluate.Gates) > 0 {
		return &evaluate.Policy{Gates: r.cfg.Evaluate.Gates}
	}
	return evaluate.DefaultPolicy(task)
}

func sliceExprs(m map[string]string) []evaluate.SliceExpr {
	var out []evaluate.SliceExpr
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, evaluate.SliceExpr{Name: name, Expr: m[name]})
	}
	return out
}

// register stores the candidate with its evidence and promotes it when the
// gates passed; a failed gate blocks the run.
func (r *run) register(ctx context.Context, c *candidate, v *evaluate.Verdict, results []evaluate.Result, tmp string) error {
	return r.stage("register", func(s *Stage) error {
		files, err := writeEvidence(tmp, c, v, results)
		if err != nil {
			return err
		}
		req, err := VerdictRequest(results[0], v)
		if err != nil {
			return err
		}
		req.Parent, req.DatasetFingerprint, req.ConfigHash = r.rec.ChampionBefore, c.fp, r.cfg.hash()
		req.Files, req.RunID = files, r.rec.ID
		ver, err := r.reg.Register(ctx, req)
		if err != nil {
			return err
		}
		r.rec.Candidate = ver.ID
		if !v.Pass && !r.gatesAdvisory(v) {
			r.rec.Outcome = OutcomeRejected
			for _, f := range v.Failed() {
				r.reason("gate failed: %s", f.Reason)
			}
			return fmt.Errorf("%w: candidate %s failed %d gates", ErrBlocked, ver.ID, len(v.Failed()))
		}
		// The promotion commits at the run's end, with the processed files
		// and the outcome, in one transaction (finish).
		promote, why := r.promotion(v)
		promote.Actor = "pipeline"
		r.promo = &registry.RunPromotion{Version: ver.ID, Alias: registry.Champion, Expect: r.rec.ChampionBefore, Options: promote}
		r.promoteWhy = fmt.Sprintf("candidate %s %s: promoted to champion", ver.ID, why)
		r.rec.ChampionAfter, r.rec.Outcome = ver.ID, OutcomePromoted
		s.Notes = append(s.Notes, "registered "+ver.ID+", to be promoted")
		return nil
	})
}
