package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// checkExpectations checks the new data against the configured
// expectations or, without a file, against checks inferred from the
// champion's training rows (see championChecks). Any error finding blocks
// the run: nothing is trained on it and the champion stays.
func (r *run) checkExpectations(ctx context.Context, b *newData, s *Stage) error {
	if p := r.cfg.Expectations; p != "" {
		exp, err := expect.Load(r.cfg.Path(p))
		if err != nil {
			return err
		}
		res, err := expect.Check(ctx, b.ds, b.profile, exp, expect.CheckOptions{Now: r.opts.Now})
		if err != nil {
			return err
		}
		return r.judge(res, p, s)
	}
	ref, source, err := r.qualityReference(ctx)
	if err != nil {
		return err
	}
	if ref == nil {
		s.Notes = append(s.Notes, "no expectations file and "+source+": only the schema was read")
		return nil
	}
	res, err := r.championChecks(ctx, *ref, b, s)
	if err != nil {
		return err
	}
	return r.judge(res, source, s)
}

// qualityReference is the training data new data is checked against: the
// champion's or, before there is one, the latest candidate's (a first
// model the gates rejected was still trained on checked data). Nil, with
// why, when there is neither or it has no training profile.
func (r *run) qualityReference(ctx context.Context) (*qualityRef, string, error) {
	var champ *champion
	var err error
	what := "champion"
	if r.rec.ChampionBefore != "" {
		champ, err = r.loadChampion(ctx)
	} else {
		what = "candidate"
		champ, err = r.latestCandidate(ctx)
	}
	switch {
	case err != nil:
		return nil, "", err
	case champ == nil:
		return nil, "no model yet", nil
	case champ.profile == nil:
		return nil, what + " " + champ.id + " has no training profile", nil
	}
	ref := &qualityRef{id: champ.id, profile: champ.profile, quality: champ.quality,
		classes: champ.model.Task() != model.TaskRegression}
	source := what + " " + champ.id + "'s training data"
	if what == "candidate" {
		source += " (no champion yet)"
	}
	return ref, source, nil
}

// latestCandidate loads the newest registered version, nil when none.
func (r *run) latestCandidate(ctx context.Context) (*champion, error) {
	vs, err := r.reg.List(ctx, registry.Filter{Limit: 1})
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	v, err := r.reg.Get(ctx, vs[0].ID)
	if err != nil {
		return nil, err
	}
	return readVersion(v)
}

// qualityRef is what new data is checked against: a model's training
// profile and quality statistics, and whether its label is a class.
type qualityRef struct {
	id      string
	profile *profile.Profile
	quality *trainingQuality // nil for models registered without one
	classes bool
}

// championChecks are the default checks without an expectations file
// (expect.InferReference on a model's training profile, for the columns
// the model reads: features, the label's columns and the time column):
// types, null rates, ranges and sign, unseen categories and duplicate
// rows, the label's domain and positive rate, and the batch's size
// against recent runs. Rates are compared with the training rows' by
// exact binomial tests, so the limits follow the batch's size; see
// expect.InferReference for every threshold.
func (r *run) championChecks(ctx context.Context, ref qualityRef, b *newData, s *Stage) (*expect.CheckResult, error) {
	opts := expect.ReferenceOptions{Columns: r.checkedColumns(ref.profile, b)}
	if q := ref.quality; q != nil && q.DuplicateRows != nil {
		opts.DuplicateRows = q.DuplicateRows
		opts.DuplicateColumns = slices.DeleteFunc(slices.Clone(q.DuplicateColumns), func(c string) bool { return len(b.ds.Schema().FieldIndices(c)) == 0 })
	} else {
		s.Notes = append(s.Notes, "model "+ref.id+" has no duplicate-row count: duplicates not checked")
	}
	label, labelFinding := r.labelReference(ref, b)
	opts.Label = label
	exp := expect.InferReference(ref.profile, b.profile, opts)
	res, err := expect.Check(ctx, b.ds, b.profile, exp, expect.CheckOptions{Now: r.opts.Now})
	if err != nil {
		return nil, err
	}
	if labelFinding != nil {
		res.Checks++
		res.Findings = append(res.Findings, *labelFinding)
	} else if err := checkLabelRate(ctx, label, b, opts, res); err != nil {
		return nil, err
	}
	return res, r.checkRows(ctx, b, res)
}

// checkLabelRate profiles the label on the new rows and adds the rate
// finding (expect.CheckLabelRate); nothing without a label.
func checkLabelRate(ctx context.Context, label *expect.LabelReference, b *newData, opts expect.ReferenceOptions, res *expect.CheckResult) error {
	if label == nil {
		return nil
	}
	cur, err := expect.ProfileLabel(ctx, label.Expr, b.ds.Schema(), b.ds.Records(ctx))
	if err != nil || cur == nil {
		return err
	}
	res.Checks++
	if f, ok := expect.CheckLabelRate(label, cur.Columns[0], opts); ok {
		res.Findings = append(res.Findings, f)
	} else if f.Check != "" {
		res.Passed = append(res.Passed, f)
	}
	return nil
}

// checkedColumns are the columns the model reads: its features, the
// columns of its label and the time column, those the reference has.
func (r *run) checkedColumns(ref *profile.Profile, b *newData) []string {
	cols := slices.Clone(r.cfg.Train.Features)
	if prog, err := colexpr.Compile(r.cfg.Train.Label, ref.Schema); err == nil && !r.labelsPending(b) {
		cols = append(cols, prog.Columns()...)
	}
	cols = append(cols, r.cfg.Data.TimeColumn)
	var out []string
	for _, c := range cols {
		if c != "" && !slices.Contains(out, c) && len(ref.Schema.FieldIndices(c)) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// labelReference is the reference's label for the checks, nil when it has
// none recorded or the configured label changed. When the label cannot be
// evaluated on the new rows, the second result is that error finding.
func (r *run) labelReference(ref qualityRef, b *newData) (*expect.LabelReference, *expect.Finding) {
	q := ref.quality
	if q == nil || q.LabelProfile == nil || q.Label != r.cfg.Train.Label || len(q.LabelProfile.Columns) != 1 || r.labelsPending(b) {
		return nil, nil
	}
	if _, err := colexpr.Compile(q.Label, b.ds.Schema()); err != nil {
		return nil, &expect.Finding{Check: expect.CheckLabel, Column: q.Label, Severity: expect.SeverityError,
			Expected: "the label evaluates on the new rows", Observed: err.Error()}
	}
	return &expect.LabelReference{Expr: q.Label, Reference: q.LabelProfile.Columns[0], Classes: ref.classes}, nil
}

// checkRows adds the batch-size finding (see rowsFinding).
func (r *run) checkRows(ctx context.Context, b *newData, res *expect.CheckResult) error {
	hist, err := r.recentBatches(ctx, historyRuns)
	if err != nil || len(hist) == 0 {
		return err
	}
	res.Checks++
	cur := batchSize{Rows: b.profile.Rows}
	if r.rec.Profile != nil {
		cur = recordSize(r.rec, r.cfg.Data.TimeColumn)
	}
	if f, ok := rowsFinding(hist, cur); ok {
		res.Findings = append(res.Findings, f)
	}
	return nil
}

// judge records the findings; error findings block the run with a reason
// each, naming the first failing rows.
func (r *run) judge(res *expect.CheckResult, source string, s *Stage) error {
	r.rec.Findings = res
	s.Notes = append(s.Notes, fmt.Sprintf("%d checks from %s: %d errors, %d warnings",
		res.Checks, source, res.Count(expect.SeverityError), res.Count(expect.SeverityWarn)))
	for _, f := range res.Findings {
		if f.Severity != expect.SeverityError {
			s.Notes = append(s.Notes, "data warning: "+r.findingText(f))
		}
	}
	if !res.Failed() {
		return nil
	}
	for _, f := range res.Findings {
		if f.Severity == expect.SeverityError {
			r.reason("data error: %s", r.findingText(f))
		}
	}
	r.rec.Outcome = OutcomeBlockedData
	return fmt.Errorf("%w: %d data errors in the new files", ErrBlocked, res.Count(expect.SeverityError))
}

// findingText is one line about a finding: what, expected, observed and
// the first failing rows as file:row.
func (r *run) findingText(f expect.Finding) string {
	subject := f.Column
	if f.Rule != "" {
		subject = "rule " + f.Rule
	}
	if subject != "" {
		subject += " "
	}
	s := fmt.Sprintf("%s%s: expected %s, observed %s", subject, f.Check, f.Expected, f.Observed)
	if len(f.Examples) == 0 {
		return s
	}
	var places []string
	last := ""
	for _, e := range f.Examples[:min(3, len(f.Examples))] {
		switch {
		case e.File == "":
			places = append(places, e.Place())
		case e.File == last:
			places = append(places, ":"+strconv.FormatInt(e.FileRow, 10))
		default:
			places = append(places, r.displayPath(e.File)+":"+strconv.FormatInt(e.FileRow, 10))
		}
		last = e.File
	}
	more := ""
	if f.Failing > int64(len(places)) {
		more = ", …"
	}
	s += "; rows " + strings.Join(places, ", ") + more
	if len(f.Files) > 0 {
		var by []string
		for _, fc := range f.Files {
			by = append(by, r.displayPath(fc.File)+" "+numfmt.Count(fc.Failing))
		}
		s += "; by file: " + strings.Join(by, ", ")
	}
	return s
}

// displayPath shortens a data path to be relative to the config's
// directory when it lies inside.
func (r *run) displayPath(p string) string {
	if rel, err := filepath.Rel(r.cfg.Path("."), p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// coverage counts the rows of every slice of the new data and compares
// their shares with the champion's training rows. Its findings are
// warnings in the record: thin slices make evaluation weak, not the data
// wrong.
func (r *run) coverage(ctx context.Context, b *newData, s *Stage) error {
	opts := coverage.Options{Current: b.profile}
	if r.rec.ChampionBefore != "" {
		champ, err := r.loadChampion(ctx)
		if err != nil {
			return err
		}
		opts.Reference = champ.profile
	}
	cc := r.cfg.Coverage
	if r.labelsPending(b) {
		cc.Label = "" // labels not arrived: slices are counted without them
		s.Notes = append(s.Notes, "labels not arrived on the new rows: their columns are not checked, coverage counts no label (monitor.estimate)")
	}
	rep, err := coverage.Measure(ctx, b.ds, cc, opts)
	if err != nil {
		return err
	}
	if err := r.outOfRange(ctx, b, rep); err != nil {
		return err
	}
	r.rec.Coverage = rep
	s.Notes = append(s.Notes, fmt.Sprintf("coverage: %d slices, %d findings", len(rep.Slices), len(rep.Findings)))
	return nil
}
