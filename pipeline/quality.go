package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/refit-ml/refit/validate"
)

// checkExpectations checks the new data against the configured
// expectations or, without a file, against expectations inferred from the
// champion's training rows (see championExpectations). Any error finding
// blocks the run: nothing is trained on it and the champion stays.
func (r *run) checkExpectations(ctx context.Context, b *newData, s *Stage) error {
	exp, source, err := r.expectations(ctx)
	if err != nil || exp == nil {
		if err == nil {
			s.Notes = append(s.Notes, "no expectations file and no champion yet: only the schema was read")
		}
		return err
	}
	res, err := validate.Check(ctx, b.ds, b.profile, exp, validate.CheckOptions{Now: r.opts.Now})
	if err != nil {
		return err
	}
	r.rec.Findings = res
	s.Notes = append(s.Notes, fmt.Sprintf("%d checks from %s: %d errors, %d warnings",
		res.Checks, source, res.Count(validate.SeverityError), res.Count(validate.SeverityWarn)))
	if !res.Failed() {
		return nil
	}
	for _, f := range res.Findings {
		if f.Severity == validate.SeverityError {
			r.reason("data error: %s %s: expected %s, observed %s", f.Column, f.Check, f.Expected, f.Observed)
		}
	}
	r.rec.Outcome = OutcomeBlockedData
	return fmt.Errorf("%w: %d data errors in the new files", ErrBlocked, res.Count(validate.SeverityError))
}

// expectations returns the configured expectations, or ones inferred from
// the champion's training profile, or nil with neither.
func (r *run) expectations(ctx context.Context) (*validate.Expectations, string, error) {
	if p := r.cfg.Expectations; p != "" {
		exp, err := validate.LoadExpectations(r.cfg.Path(p))
		return exp, p, err
	}
	if r.rec.ChampionBefore == "" {
		return nil, "", nil
	}
	champ, err := r.loadChampion(ctx)
	if err != nil || champ.profile == nil {
		return nil, "", err
	}
	exp := championExpectations(champ.profile, r.cfg.Train.Features)
	return exp, "champion " + champ.id + "'s training data", nil
}

// championExpectations are the default checks when no expectations file
// is configured: every feature must be present with its type, and its null
// fraction may exceed the training data's by at most one percentage point
// (errors); ranges and categories outside the training data are only
// warnings, because that is drift, which retraining handles, not garbage.
func championExpectations(prof *validate.Profile, features []string) *validate.Expectations {
	exp := validate.Infer(prof, validate.InferOptions{Source: "the champion's training data"})
	exp.Rows, exp.DuplicateRows = nil, nil
	exp.Schema = &validate.SchemaCheck{AllowExtraColumns: true, Severity: validate.SeverityError}
	for name, c := range exp.Columns {
		if !slices.Contains(features, name) {
			delete(exp.Columns, name)
			continue
		}
		c.Unique, c.Freshness, c.Pattern = nil, nil, nil
		if c.Nulls != nil {
			c.Nulls.MaxFraction += 0.01
			c.Nulls.Severity = validate.SeverityError
		}
		if c.Range != nil {
			c.Range.Severity = validate.SeverityWarn
		}
		if c.Values != nil {
			c.Values.Severity = validate.SeverityWarn
		}
	}
	exp.ColumnOrder = slices.DeleteFunc(slices.Clone(exp.ColumnOrder), func(n string) bool { return exp.Columns[n] == nil })
	return exp
}

// coverage counts the rows of every slice of the new data and compares
// their shares with the champion's training rows. Its findings are
// warnings in the record: thin slices make evaluation weak, not the data
// wrong.
func (r *run) coverage(ctx context.Context, b *newData, s *Stage) error {
	opts := validate.CoverageOptions{Current: b.profile}
	if r.rec.ChampionBefore != "" {
		champ, err := r.loadChampion(ctx)
		if err != nil {
			return err
		}
		opts.Reference = champ.profile
	}
	rep, err := validate.Coverage(ctx, b.ds, r.cfg.Coverage, opts)
	if err != nil {
		return err
	}
	r.rec.Coverage = rep
	s.Notes = append(s.Notes, fmt.Sprintf("coverage: %d slices, %d findings", len(rep.Slices), len(rep.Findings)))
	return nil
}
