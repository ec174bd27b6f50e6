package evaluate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
)

// Entry is one model of a comparison.
type Entry struct {
	Model *model.Model
	// Name names the model's Result: a version id, a file name, a role.
	Name string
	// Path is the model file, for its size; "" when it has none.
	Path string
}

// Roles are the models of one promotion decision: the candidate, the
// champion it would replace and the float parent it was optimized from.
// Champion and Parent are nil when there is none.
type Roles struct {
	Candidate Entry
	Champion  *Entry
	Parent    *Entry
}

// CompareOptions configure Compare. The zero value scores with the
// models' recorded label and automatic slices, times the models for 1s
// each and decides at the default levels.
type CompareOptions struct {
	Score ScoreOptions
	// Options apply to every model (threshold; Bootstrap adds the headline
	// metric's interval to every Result, as Evaluate).
	Options Options
	// Cost configures the timing; NoCost skips it (sizes are still read).
	Cost   CostOptions
	NoCost bool
	// Bootstrap configures the intervals gates use. Level defaults to 0.90
	// here: two-sided, so each end is a one-sided 95% bound. Resamples
	// defaults to 1000, fewer beyond 100,000 rows (resampleWork), and Seed
	// to 0, so decisions are reproducible.
	Bootstrap BootstrapOptions
}

// Decision is what Compare measured and decided.
type Decision struct {
	Label string // the label expression used
	Rows  int    // rows scored
	// Results holds the candidate's Result first, then the parent's and the
	// champion's when present. The candidate's carries the evidence of its
	// comparisons (Paired) and the intervals range and budget gates show
	// (Intervals).
	Results []Result
	Verdict Verdict
	roles   []Role // per result: RoleCandidate, then RoleParent, RoleChampion
}

// Candidate, Champion and Parent pick a role's Result (nil when absent).
func (d *Decision) Candidate() *Result { return &d.Results[0] }

// Champion is the champion's Result, or nil.
func (d *Decision) Champion() *Result { return d.find(RoleChampion) }

// Parent is the float parent's Result, or nil.
func (d *Decision) Parent() *Result { return d.find(RoleParent) }

func (d *Decision) find(role Role) *Result {
	for i := 1; i < len(d.Results); i++ {
		if d.roles[i] == role {
			return &d.Results[i]
		}
	}
	return nil
}

// Compare is the one path from models and rows to a promotion verdict,
// for `refit gate` and the pipeline alike. It scores every model on the
// same rows in one pass (records of schema, as ingest.Dataset.Records
// gives them), evaluates each overall and per slice, times them together
// (MeasureCosts), measures the evidence every gate of pol needs (below),
// and checks the gates.
//
// Evidence: each comparison with the champion or the parent, overall and
// per slice, gets a paired bootstrap interval of candidate − other on the
// same rows (Poisson resamples, seeded); relative latency and throughput
// gates get one from the interleaved timing samples, resampled in pairs;
// range gates and cost budgets get the candidate's own interval to show
// beside the value. How gates decide on the intervals is documented on
// Gate.
func Compare(ctx context.Context, pol *Policy, roles Roles, schema *arrow.Schema, records iter.Seq2[arrow.Record, error], opts CompareOptions) (*Decision, error) {
	entries, names := roles.entries()
	models, paths := make([]*model.Model, len(entries)), make([]string, len(entries))
	for i, e := range entries {
		models[i], paths[i] = e.Model, e.Path
	}
	sc, err := Score(ctx, models, schema, records, opts.Score)
	if err != nil {
		return nil, err
	}
	if sc.Rows == 0 {
		return nil, fmt.Errorf("evaluate compare: %w", ErrNoRows)
	}
	res, timings, err := evaluateModels(ctx, sc, models, entryNames(entries), paths,
		ModelOptions{Options: opts.Options, Cost: opts.Cost, NoCost: opts.NoCost})
	if err != nil {
		return nil, err
	}
	d := &Decision{Label: sc.Label, Rows: sc.Rows, Results: res, roles: names}
	ev := evidence{pol: pol, sc: sc, timings: timings, roles: names, opts: opts}
	for _, m := range models {
		ev.tasks = append(ev.tasks, Task(m.Task()))
		ev.modelOpts = append(ev.modelOpts, modelOptions(m, sc, opts.Options))
	}
	if d.Verdict, err = ev.decide(d.Results); err != nil {
		return nil, err
	}
	return d, nil
}

// entries lists the models in result order with their roles.
func (r Roles) entries() ([]Entry, []Role) {
	out, roles := []Entry{r.Candidate}, []Role{RoleCandidate}
	if r.Parent != nil {
		out, roles = append(out, *r.Parent), append(roles, RoleParent)
	}
	if r.Champion != nil {
		out, roles = append(out, *r.Champion), append(roles, RoleChampion)
	}
	return out, roles
}

func entryNames(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}

// evidence measures what the gates of a policy compare. Index i of the
// per-model slices is model i of sc; the candidate is model 0.
type evidence struct {
	pol       *Policy
	sc        *Scores
	tasks     []Task
	modelOpts []Options
	timings   []timing // nil when not timed
	roles     []Role   // RoleCandidate, then RoleParent, RoleChampion
	opts      CompareOptions
}

// decide adds the evidence to the candidate's Result (results[0]) and
// checks the gates; results are in the order of the models.
func (e evidence) decide(results []Result) (Verdict, error) {
	if err := e.add(&results[0]); err != nil {
		return Verdict{}, err
	}
	var champ, parent *Result
	if j := e.index(RoleChampion); j > 0 {
		champ = &results[j]
	}
	if j := e.index(RoleParent); j > 0 {
		parent = &results[j]
	}
	return e.pol.Check(results[0], champ, parent), nil
}

// need is one bootstrap to run: the candidate against role (or alone when
// role is RoleCandidate) on slice, for these metrics.
type need struct {
	role    Role
	slice   string
	metrics []string
}

func (e evidence) add(cand *Result) error {
	var errs []error
	for _, n := range e.needs(cand) {
		if isCost(n.metrics[0]) {
			e.addTiming(cand, n)
			continue
		}
		if err := e.addMetrics(cand, n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// needs lists the bootstraps the gates call for, in gate order, grouped by
// role and slice so that one set of resamples serves every metric of a
// slice. Cost needs are grouped by metric and floor.
func (e evidence) needs(cand *Result) []need {
	var out []need
	want := func(role Role, slice, metric string) {
		for i := range out {
			n := &out[i]
			switch {
			case n.role != role || n.slice != slice || isCost(n.metrics[0]) != isCost(metric):
				continue
			case slices.Contains(n.metrics, metric):
				return
			case !isCost(metric):
				n.metrics = append(n.metrics, metric)
				return
			}
		}
		out = append(out, need{role: role, slice: slice, metrics: []string{metric}})
	}
	for _, g := range e.pol.Gates {
		if metric := g.measuredMetric(); metric != "" {
			for _, slice := range g.slicesOf(cand) {
				want(g.role(), slice, metric)
			}
		}
	}
	return out
}

// slicesOf is "" for an overall gate, else the candidate's slices the gate
// checks.
func (g Gate) slicesOf(cand *Result) []string {
	if !g.PerSlice {
		return []string{""}
	}
	var out []string
	for _, s := range cand.Slices {
		if s.Rows >= g.MinSliceRows && s.Rows > 0 {
			out = append(out, s.Name)
		}
	}
	return out
}

// role is the model a gate compares the candidate with; RoleCandidate is
// the candidate alone (range gates and budgets, for the interval shown).
func (g Gate) role() Role {
	k := g.kinds()
	switch {
	case k["champion"] != nil, k["ci"] != nil:
		return RoleChampion
	case k["parent"] != nil:
		return RoleParent
	}
	return RoleCandidate
}

// measuredMetric is the metric whose interval a gate uses, "" for none
// (sizes are exact).
func (g Gate) measuredMetric() string {
	k := g.kinds()
	if k["cost"] == nil {
		if isCost(g.Metric) && !isTiming(g.Metric) {
			return ""
		}
		return g.Metric
	}
	switch k["cost"][0] {
	case "latency_p50_us":
		return CostLatencyP50
	case "latency_p99_us":
		return CostLatencyP99
	case "min_rows_per_sec":
		return CostRowsPerSec
	}
	return ""
}

// index is the position of role's model, -1 when absent.
func (e evidence) index(role Role) int {
	return slices.Index(e.roles, role)
}

// addMetrics bootstraps the candidate's metrics on a slice, paired with
// the other model when the need has a role.
func (e evidence) addMetrics(cand *Result, n need) error {
	j := e.index(n.role)
	if j < 0 {
		return nil // no such model: the gate passes with "no champion"
	}
	rows := e.rowsByScore(n.slice)
	a, err := e.resampled(0, rows)
	if err != nil {
		return fmt.Errorf("evaluate evidence %s: %w", n.slice, err)
	}
	size := len(rows)
	opts := e.bootstrapOptions(n.slice, size)
	if n.role == RoleCandidate {
		cand.Intervals = append(cand.Intervals, ownBootstrap(a, size, n.metrics, n.slice, opts)...)
		return nil
	}
	b, err := e.resampled(j, rows)
	if err != nil {
		return fmt.Errorf("evaluate evidence %s %s: %w", n.role, n.slice, err)
	}
	for _, p := range pairedBootstrap(a, b, size, n.metrics, opts) {
		p.Against, p.Slice = n.role, n.slice
		cand.Paired = append(cand.Paired, p)
	}
	return nil
}

// rowsByScore lists the rows of a slice ("" for all), for a binary
// candidate in the order of its scores: resample counts are drawn in that
// order, so the candidate's rank scan reads them in sequence (measured
// 40% faster on 300,000 rows).
func (e evidence) rowsByScore(slice string) []int {
	var rows []int
	if slice == "" {
		rows = make([]int, len(e.sc.Labels[0]))
		for i := range rows {
			rows[i] = i
		}
	} else {
		i := slices.IndexFunc(e.sc.Slices, func(s Slice) bool { return s.Name == slice })
		rows = slices.Clone(e.sc.Slices[i].Rows)
	}
	if e.tasks[0] == TaskBinary {
		sortByScore(rows, e.sc.Preds[0])
	}
	return rows
}

// sortByScore orders rows by their binary score p (ties by row), the order
// the resampled rank scan reads them in.
func sortByScore(rows []int, p []float32) {
	slices.SortFunc(rows, func(i, j int) int { return cmp.Or(cmp.Compare(p[i], p[j]), cmp.Compare(i, j)) })
}

func (e evidence) resampled(i int, rows []int) (resampled, error) {
	return newResampled(e.tasks[i], e.sc.Labels[i], e.sc.Preds[i], rows, e.modelOpts[i])
}

// resampleWork bounds rows × resamples of one bootstrap when the number of
// resamples is not set: 1000 resamples up to 100,000 rows, fewer above
// (333 at 300,000 rows, about 0.5 s of CPU for a paired AUC), never fewer
// than minResamples. Intervals on that many rows are narrow, and the
// Monte Carlo error of their ends stays small beside their width.
const (
	resampleWork = 100_000_000
	minResamples = 250
)

// bootstrapOptions are the gates' bootstrap settings for n units, the seed
// mixed with the slice's name so that slices get independent resamples.
func (e evidence) bootstrapOptions(slice string, n int) BootstrapOptions {
	o := e.opts.Bootstrap
	if o.Level <= 0 || o.Level >= 1 {
		o.Level = 0.90
	}
	if o.Resamples <= 0 {
		o.Resamples = min(1000, max(minResamples, resampleWork/max(n, 1)))
	}
	if slice != "" {
		h := fnv.New64a()
		h.Write([]byte(slice))
		o.Seed ^= h.Sum64()
	}
	return o.withDefaults()
}

// ownBootstrap is the interval of each metric of one model.
func ownBootstrap(a resampled, n int, metrics []string, slice string, opts BootstrapOptions) []Interval {
	var out []Interval
	for _, p := range pairedBootstrap(a, zeroResampled{}, n, metrics, opts) {
		iv := p.Diff
		iv.Slice = slice
		out = append(out, iv)
	}
	return out
}

// zeroResampled is a model whose every metric is 0, to bootstrap one model
// with pairedBootstrap.
type zeroResampled struct{}

func (zeroResampled) metric(string, []uint8) float64 { return 0 }

// addTiming adds the timing evidence of a cost need: paired with the other
// model's samples, or the candidate's own interval.
func (e evidence) addTiming(cand *Result, n need) {
	if e.timings == nil {
		return
	}
	metric := n.metrics[0]
	if n.role == RoleCandidate {
		a, units := e.timings[0].resampled(metric, 0)
		opts := e.bootstrapOptions("", units)
		cand.Intervals = append(cand.Intervals, ownBootstrap(a, units, n.metrics, "", opts)...)
		return
	}
	j := e.index(n.role)
	if j < 0 {
		return
	}
	for _, floor := range e.floors(metric, n.role) {
		a, units := e.timings[0].resampled(metric, floor)
		b, _ := e.timings[j].resampled(metric, floor)
		for _, p := range pairedBootstrap(a, b, units, n.metrics, e.bootstrapOptions("", units)) {
			p.Against, p.FloorUs = n.role, floor
			cand.Paired = append(cand.Paired, p)
		}
	}
}

// floors lists the distinct floors of the gates comparing metric against
// role (0 for throughput, which has none).
func (e evidence) floors(metric string, role Role) []float64 {
	var out []float64
	for _, g := range e.pol.Gates {
		if g.Metric != metric || g.role() != role {
			continue
		}
		floor, _ := g.latencyFloor()
		if !slices.Contains(out, floor) {
			out = append(out, floor)
		}
	}
	return out
}
