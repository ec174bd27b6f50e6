package pipeline

import (
	"context"
	"fmt"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/coverage"
)

// ProblemOutOfRange is the coverage problem of an input with values the
// champion's training data never had.
const ProblemOutOfRange = "outside training"

// oorWarnShare is the share of a column's values outside what training saw
// from which it is a warning: below, it is listed as information.
const oorWarnShare = 0.001

// outOfRange counts the new rows' values that the champion's training data
// never had (categories, hours, weekdays, months, numbers beyond its range),
// per input, and adds them to the record and to the coverage findings: the
// model scores those values from zeros or from the edge of what it knows.
func (r *run) outOfRange(ctx context.Context, b *newData, rep *coverage.Report) error {
	if r.rec.ChampionBefore == "" {
		return nil
	}
	champ, err := r.loadChampion(ctx)
	if err != nil {
		return err
	}
	counter := champ.model.Preprocessor().NewRangeCounter()
	for rec, err := range b.ds.Records(ctx) {
		if err != nil {
			return err
		}
		if err := counter.Add(rec); err != nil {
			return fmt.Errorf("pipeline: out-of-range counts: %w", err)
		}
	}
	r.rec.OutOfRange = counter.Counts()
	for _, c := range r.rec.OutOfRange {
		if c.OutOfRange > 0 {
			rep.Findings = append(rep.Findings, oorFinding(c))
		}
	}
	return nil
}

func oorFinding(c model.ColumnOOR) coverage.Finding {
	f := coverage.Finding{Slice: c.Column, Problem: ProblemOutOfRange, Verdict: validate.VerdictOK,
		Message: fmt.Sprintf("%d of %d values (%.3g%%) outside the champion's training data", c.OutOfRange, c.Rows-c.Missing, 100*c.Share())}
	if c.Share() >= oorWarnShare {
		f.Verdict = validate.VerdictWarn
	}
	if c.Below+c.Above > 0 {
		f.Message += fmt.Sprintf(": %d below its minimum, %d above its maximum", c.Below, c.Above)
	}
	if n := c.UnseenHour + c.UnseenWeekday + c.UnseenMonth; n > 0 {
		f.Message += fmt.Sprintf(": unseen hours %d, weekdays %d, months %d", c.UnseenHour, c.UnseenWeekday, c.UnseenMonth)
	}
	return f
}
