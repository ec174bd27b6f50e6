package pipeline

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/expr-lang/expr/parser"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/yamlstrict"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/train"
	"go.yaml.in/yaml/v3"
)

// problems collects every problem of a config with its line.
type problems struct {
	path string
	root *yaml.Node
	errs configErrors
}

func (p *problems) add(keys []string, format string, args ...any) {
	pos := yamlstrict.Pos{File: p.path, Line: lineOf(p.root, keys)}
	p.errs = append(p.errs, pos.Errorf(ErrConfig, strings.Join(keys, "."), format, args...))
}

func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}

// configErrors is every problem of a config, listed one per line under
// ErrConfig's message. It matches ErrConfig and each *yamlstrict.Error.
type configErrors []*yamlstrict.Error

func (e configErrors) Error() string {
	var b strings.Builder
	b.WriteString(ErrConfig.Error() + ":")
	for _, pe := range e {
		b.WriteString("\n  " + pe.Error())
	}
	return b.String()
}

// Unwrap returns the problems.
func (e configErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, pe := range e {
		out[i] = pe
	}
	return out
}

// lineOf finds the line of a key path ("evaluate", "gates", "2") in a
// document; 0 when absent.
func lineOf(root *yaml.Node, keys []string) int {
	n := root
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, k := range keys {
		next, l := child(n, k)
		if next == nil {
			return line
		}
		n, line = next, l
	}
	return line
}

func child(n *yaml.Node, key string) (*yaml.Node, int) {
	switch {
	case n == nil:
		return nil, 0
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case n.Kind == yaml.SequenceNode:
		var i int
		if _, err := fmt.Sscan(key, &i); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

func (c *Config) validate(root *yaml.Node, path string) error {
	p := &problems{path: path, root: root}
	c.checkData(p)
	c.checkThresholds(p)
	c.checkTrain(p)
	c.checkGates(p)
	c.checkSchedules(p)
	c.checkHooks(p)
	if k := c.Retention.KeepRuns; k < minKeepRuns {
		p.add([]string{"retention", "keep_runs"}, "%d: keep at least %d runs (drift.confirm and the row-count checks look back over recent runs)", k, minKeepRuns)
	}
	return p.err()
}

func (c *Config) checkData(p *problems) {
	if len(c.Data.Source) == 0 {
		p.add([]string{"data", "source"}, "missing: give a file, directory or glob of Parquet or Arrow data")
	}
	if c.Data.TimeColumn == "" {
		p.add([]string{"data", "time_column"}, "missing: name the timestamp column that orders rows")
	}
	names := make([]string, 0, len(c.Coverage.Slices))
	for name := range c.Coverage.Slices {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		checkExpr(p, []string{"coverage", "slices", name}, c.Coverage.Slices[name])
	}
	if err := c.Coverage.Validate(); err != nil {
		p.add([]string{"coverage"}, "%v", err)
	}
}

func checkExpr(p *problems, keys []string, src string) {
	if _, err := parser.Parse(src); err != nil {
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		p.add(keys, "expression %q: %s", src, msg)
	}
}

func (c *Config) checkThresholds(p *problems) {
	d := c.Drift
	if d.Metric != "psi" {
		p.add([]string{"drift", "metric"}, "%q: only psi drives the drift verdict", d.Metric)
	}
	if !(d.Warn > 0 && d.Warn < d.Alert) {
		p.add([]string{"drift"}, "warn %v and alert %v: want 0 < warn < alert (e.g. 0.1 and 0.25)", d.Warn, d.Alert)
	}
	if k := d.Confirm; k != nil && !(k.Alerts >= 1 && k.Alerts <= k.Runs && k.Runs <= 100) {
		p.add([]string{"drift", "confirm"}, "alerts %d of runs %d: want 1 <= alerts <= runs <= 100 (e.g. {alerts: 2, runs: 3})", k.Alerts, k.Runs)
	}
	if m := c.Monitor.MaxDrop; !(m >= 0) || math.IsInf(m, 0) {
		p.add([]string{"monitor", "max_drop"}, "%v: want a drop in the metric's units, >= 0 (e.g. 0.01)", m)
	}
	c.checkEstimate(p)
	if g := c.Train.WindowGrowth; g != nil && !(*g == 0 || *g > 1 && !math.IsInf(*g, 0)) {
		p.add([]string{"train", "window_growth"}, "%v: want a factor above 1 (e.g. 1.5), or 0 for off", *g)
	}
	if h := c.Evaluate.Holdout; !(h > 0 && h <= 0.5) {
		p.add([]string{"evaluate", "holdout"}, "%v: want a fraction in (0, 0.5]", h)
	}
	if s := c.Optimize.Prune.Sparsity; !(s >= 0 && s < 1) {
		p.add([]string{"optimize", "prune", "sparsity"}, "%v: want a fraction in [0, 1)", s)
	}
	q := c.Optimize.Quantize
	if q.Bits != 0 && q.Bits != 8 {
		p.add([]string{"optimize", "quantize", "bits"}, "%d: want 8 (int8) or 0 (none)", q.Bits)
	}
	for _, e := range q.choices().Apply(&optimize.Options{}) {
		p.add([]string{"optimize", "quantize", e.Setting}, "%s", e.Problem)
	}
	if m := c.Optimize.MaxMetricDrop; !(m >= 0 && m < 1) {
		p.add([]string{"optimize", "max_metric_drop"}, "%v: want a value in [0, 1)", m)
	}
}

func (c *Config) checkTrain(p *problems) {
	t := c.Train
	if t.Label == "" {
		p.add([]string{"train", "label"}, "missing: give an expression such as `delay > 15`")
	} else {
		checkExpr(p, []string{"train", "label"}, t.Label)
	}
	if len(t.Features) == 0 {
		p.add([]string{"train", "features"}, "missing: list the input columns")
	}
	if err := t.Config.Validate(); err != nil {
		for _, e := range splitJoined(err) {
			if e != train.ErrInvalidConfig.Error() {
				p.add(trainKey(p.root, e), "%s", e)
			}
		}
	}
}

// trainKey places a problem train.Config.Validate reports: its message
// starts with the setting's name ("validation_split \"x\": ...",
// "hidden[0] = 0: ..."), which is the key under train when the config
// sets it; otherwise the problem is placed at train.
func trainKey(root *yaml.Node, msg string) []string {
	end := strings.IndexFunc(msg, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z') })
	if end > 0 {
		n := root
		if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			n = n.Content[0]
		}
		t, _ := child(n, "train")
		if v, _ := child(t, msg[:end]); v != nil {
			return []string{"train", msg[:end]}
		}
	}
	return []string{"train"}
}

func (c *Config) checkGates(p *problems) {
	if len(c.Evaluate.Gates) == 0 {
		return
	}
	pol := evaluate.Policy{Gates: c.Evaluate.Gates}
	if err := pol.Validate(); err != nil {
		for _, e := range splitJoined(err) {
			p.add([]string{"evaluate", "gates"}, "%s", e)
		}
	}
}

func (c *Config) checkSchedules(p *problems) {
	seen := map[string]bool{}
	for i, s := range c.Schedules {
		keys := []string{"schedules", fmt.Sprint(i)}
		if s.Name == "" || seen[s.Name] {
			p.add(keys, "name %q: want a unique, non-empty name", s.Name)
		}
		seen[s.Name] = true
		if _, err := schedules.Parse(s.Cron); err != nil {
			var se *schedules.SpecError
			if errors.As(err, &se) {
				err = se.Err
			}
			p.add(append(keys, "cron"), "%q: %v (e.g. \"CRON_TZ=UTC 0 2 * * *\" or \"@hourly\")", s.Cron, err)
		}
		if s.Job != "run" && s.Job != "audit" {
			p.add(append(keys, "job"), "%q: want run or audit", s.Job)
		}
	}
}

// minKeepRuns is the fewest runs retention.keep_runs may keep.
const minKeepRuns = 10

// splitJoined lists the messages of an errors.Join error, or the one.
func splitJoined(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, splitJoined(e)...)
		}
		return out
	}
	return []string{err.Error()}
}

// checkEstimate checks monitor.estimate and min_labelled.
func (c *Config) checkEstimate(p *problems) {
	m := c.Monitor
	if m.Estimate != "" && m.Estimate != "cbpe" {
		p.add([]string{"monitor", "estimate"}, "%q: want cbpe (confidence-based performance estimation), or leave it out", m.Estimate)
	}
	if m.Estimate != "" && m.RetrainBelow == nil && m.RetrainAbove == nil && m.MaxDrop == 0 {
		p.add([]string{"monitor", "estimate"}, "%s without a threshold: give retrain_below (or max_drop) for the estimate to act on", m.Estimate)
	}
	if m.Estimate != "" && m.RetrainAbove != nil {
		p.add([]string{"monitor", "retrain_above"}, "estimate %s estimates classification metrics, where higher is better: use retrain_below", m.Estimate)
	}
	if m.Estimate != "" && m.Metric != "" && !estimable(m.Metric) {
		p.add([]string{"monitor", "metric"}, "%q cannot be estimated without labels: want one of %s", m.Metric, strings.Join(estimableMetrics, ", "))
	}
	if l := m.MinLabelled; !(l >= 0 && l <= 1) {
		p.add([]string{"monitor", "min_labelled"}, "%v: want a share of the new rows in [0, 1] (e.g. 0.5)", l)
	} else if l != 0 && m.Estimate == "" {
		p.add([]string{"monitor", "min_labelled"}, "only applies with estimate: cbpe")
	}
}
