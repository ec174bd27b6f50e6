package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/refit-ml/refit/internal/yamlstrict"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/validate/coverage"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/train"
	"go.yaml.in/yaml/v3"
)

// ErrConfig marks a configuration that cannot be used.
var ErrConfig = errors.New("invalid configuration")

// Config is a refit.yaml file. Load it with Load; the zero value of every
// optional section takes the defaults documented on its fields.
type Config struct {
	// Workspace holds the catalog, models and runs. Relative paths are
	// relative to the config file. Defaults to ./refit-workspace.
	Workspace string `yaml:"workspace"`
	Data      Data   `yaml:"data"`
	// Expectations is a file of data checks (`refit infer` writes one).
	// Optional; without it only the schema and the drift are checked.
	Expectations string `yaml:"expectations"`
	// Coverage lists slices whose rows are counted in every batch; see
	// validate/coverage.Config. Label defaults to train.label.
	Coverage  coverage.Config `yaml:"coverage"`
	Drift     DriftConfig     `yaml:"drift"`
	Monitor   MonitorConfig   `yaml:"monitor"`
	Train     TrainConfig     `yaml:"train"`
	Optimize  OptimizeConfig  `yaml:"optimize"`
	Evaluate  EvaluateConfig  `yaml:"evaluate"`
	Schedules []Schedule      `yaml:"schedules"`
	Retention RetentionConfig `yaml:"retention"`
	Hooks     HooksConfig     `yaml:"hooks"`

	dir  string     // the config file's directory
	file string     // the config file, as given to Load
	root *yaml.Node // its YAML, for the lines of later checks (preflight)
}

// Data says where the data is and how rows are ordered in time.
type Data struct {
	// Source lists Parquet or Arrow IPC files, directories or globs.
	Source StringList `yaml:"source"`
	// TimeColumn orders rows in time: the training window and the holdout
	// are taken by it. Required.
	TimeColumn string `yaml:"time_column"`
	// Strict fails a run when a directory or glob source holds a file
	// that is not Parquet or Arrow IPC. Defaults to false: such a file is
	// skipped and named in the run's record (the conventional markers,
	// _SUCCESS, *.crc, README and *.md, are skipped either way).
	Strict bool `yaml:"strict"`
}

// StringList accepts one string or a list of strings.
type StringList []string

// UnmarshalYAML decodes a scalar or a sequence.
func (s *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = StringList{n.Value}
		return nil
	}
	var list []string
	if err := n.Decode(&list); err != nil {
		return err
	}
	*s = list
	return nil
}

// DriftConfig sets the drift thresholds (PSI by default).
type DriftConfig struct {
	// Metric drives the verdict. Only psi for now. Defaults to psi.
	Metric string `yaml:"metric"`
	// Warn and Alert are the thresholds. Default to 0.1 and 0.25.
	Warn  float64 `yaml:"warn"`
	Alert float64 `yaml:"alert"`
	// Confirm asks for drift alerts in several recent runs before drift
	// alone retrains: {alerts: 2, runs: 3} retrains when this run and at
	// least one of the two runs before it alerted. Optional; without it
	// one alert retrains.
	Confirm *ConfirmConfig `yaml:"confirm"`
	// Cooldown is how long after a promotion drift alone cannot retrain
	// (a monitor breach or --force still can). Optional; defaults to 0.
	Cooldown Duration `yaml:"cooldown"`
}

// ConfirmConfig is "k of the last n runs" for drift retrains.
type ConfirmConfig struct {
	// Alerts (k) is how many of the last Runs runs that measured drift,
	// this one included, must have alerted.
	Alerts int `yaml:"alerts"`
	// Runs (n) is how many runs to look back over, this one included.
	Runs int `yaml:"runs"`
}

// MonitorConfig checks the champion on fresh labelled data.
type MonitorConfig struct {
	// Metric is measured on the new rows. Defaults to the task's headline
	// metric (auc, accuracy or rmse).
	Metric string `yaml:"metric"`
	// RetrainBelow triggers a retrain when the metric falls below it (for
	// metrics where higher is better). Optional.
	RetrainBelow *float64 `yaml:"retrain_below"`
	// RetrainAbove is the same for metrics where lower is better. Optional.
	RetrainAbove *float64 `yaml:"retrain_above"`
	// MaxDrop triggers a retrain when the champion's metric on the new rows
	// is worse than on its own holdout (the most recent rows of its
	// training window) by more than this, beyond noise: the one-sided 95%
	// lower bound of the drop must exceed it. In the metric's units, e.g.
	// 0.01 AUC. Optional; unset or 0 turns the check off.
	MaxDrop float64 `yaml:"max_drop"`
	// Estimate, set to "cbpe", lets the monitor decide on the champion's
	// estimated metric when the new rows lack labels: confidence-based
	// performance estimation from the champion's calibrated
	// probabilities (package validate/estimate), which assumes no
	// concept drift. The estimate is recorded beside the realized metric
	// whenever both exist. Optional; unset, the monitor needs labels.
	Estimate string `yaml:"estimate"`
	// MinLabelled is the share of the new rows that must have a label for
	// the monitor to decide on the realized metric rather than the
	// estimate (labels that arrive late). Only with estimate. Defaults to
	// 0.5.
	MinLabelled float64 `yaml:"min_labelled"`
}

// estimates reports whether the monitor estimates the metric (CBPE).
func (m MonitorConfig) estimates() bool { return m.Estimate == "cbpe" }

// enabled reports whether the monitor measures the champion at all.
func (m MonitorConfig) enabled() bool {
	return m.RetrainBelow != nil || m.RetrainAbove != nil || m.MaxDrop > 0
}

// TrainConfig says what to learn and from which rows.
type TrainConfig struct {
	// Label is an expression giving the label, e.g. "delay > 15". Required.
	Label string `yaml:"label"`
	// Features are columns of the data. Required.
	Features []string `yaml:"features"`
	// Window is how far back from the run's clock training rows reach,
	// e.g. 60d or 720h. Defaults to all the data.
	Window Duration `yaml:"window"`
	// WindowGrowth retrains when the data in the window now spans at
	// least this many times what the champion was trained on: the window
	// was still filling when it was trained (or the window is all the
	// data). Defaults to 1.5; 0 turns it off.
	WindowGrowth *float64 `yaml:"window_growth"`
	// The model and optimizer settings.
	train.Config `yaml:",inline"`
}

// OptimizeConfig sets pruning and quantization of the candidate.
type OptimizeConfig struct {
	Prune struct {
		// Sparsity is the fraction of weights set to zero. Defaults to 0
		// (no pruning).
		Sparsity       float64 `yaml:"sparsity"`
		Structured     bool    `yaml:"structured"`
		FinetuneEpochs int     `yaml:"finetune_epochs"`
		// PerLayer prunes every layer to the sparsity instead of using
		// one magnitude threshold across layers. Defaults to false.
		PerLayer bool `yaml:"per_layer"`
	} `yaml:"prune"`
	Quantize QuantizeConfig `yaml:"quantize"`
	// MaxMetricDrop is the largest drop of the headline metric the
	// optimized model may show against its float parent. Defaults to 0.01.
	MaxMetricDrop float64 `yaml:"max_metric_drop"`
}

// QuantizeConfig sets int8 quantization of the candidate.
type QuantizeConfig struct {
	// Bits is 8 for int8 or 0 for none. Defaults to 0.
	Bits int `yaml:"bits"`
	// Activations is "static" (fixed ranges calibrated on the
	// measuring rows, like an ONNX QDQ model: the default; faster, and
	// it passes 8-bit codes between layers) or "dynamic" (each batch's
	// input range).
	Activations string `yaml:"activations"`
	// Percentile clips static calibration ranges to this two-sided
	// percentile (e.g. 99.99). Defaults to 0: minimum and maximum.
	Percentile float64 `yaml:"percentile"`
	// KeepFloat lists layers kept in float32: "first", "last".
	KeepFloat []string `yaml:"keep_float"`
}

// choices are q's settings for optimize.Options.
func (q QuantizeConfig) choices() optimize.QuantizeChoices {
	return optimize.QuantizeChoices{Activations: q.Activations, Percentile: q.Percentile, KeepFloat: q.KeepFloat}
}

// EvaluateConfig sets the holdout and the promotion gates.
type EvaluateConfig struct {
	// Holdout is the most recent fraction of the training window, kept out
	// of training to compare candidate and champion. Defaults to 0.1.
	Holdout float64         `yaml:"holdout"`
	Gates   []evaluate.Gate `yaml:"gates"`
}

// RetentionConfig bounds the runs a workspace keeps. At the end of each
// run, older runs are removed: their catalog row, run.json and report.
// Runs that registered a model version are always kept (they are its
// evidence), and so is every run with new data among the newest
// KeepRuns.
type RetentionConfig struct {
	// KeepRuns is how many of the newest runs are kept. Defaults to 1000.
	KeepRuns int `yaml:"keep_runs"`
	// MaxAge removes the runs that started longer ago than this, by the
	// run's clock, however few there are. Defaults to 0: no age limit.
	MaxAge Duration `yaml:"max_age"`
}

// defaultKeepRuns is RetentionConfig.KeepRuns's default.
const defaultKeepRuns = 1000

// Schedule is one cron entry of `refit serve`.
type Schedule struct {
	Name string `yaml:"name"`
	// Cron is a robfig/cron spec: five fields, an optional leading seconds
	// field, descriptors such as @hourly, and CRON_TZ=Zone prefixes.
	Cron string `yaml:"cron"`
	// Job is run or audit.
	Job string `yaml:"job"`
	// Timeout cancels a job that runs longer. Defaults to 1h.
	Timeout Duration `yaml:"timeout"`
}

// Duration is a time.Duration written as Go does (90m, 1h30m) or in days
// (60d).
type Duration time.Duration

// UnmarshalYAML decodes "60d", "12h" or "1h30m".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := parseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("duration %q: want a whole number of days like 60d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("duration %q: want e.g. 60d, 12h or 1h30m", s)
	}
	return v, nil
}

// Load reads a config file strictly: unknown keys, wrong types, bad cron
// specs, bad expressions and impossible thresholds are errors naming the
// file and line, all reported at once.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return Parse(data, path)
}

// Parse is Load on bytes; path names the file in errors and anchors
// relative paths.
func Parse(data []byte, path string) (*Config, error) {
	var c Config
	root, probs, err := yamlstrict.Decode(data, &c, path, ErrConfig)
	if errors.Is(err, yamlstrict.ErrEmpty) {
		return nil, fmt.Errorf("%w: %s: empty file (a config needs at least the data and train sections)", ErrConfig, path)
	}
	if len(probs) > 0 {
		return nil, configErrors(probs)
	}
	c.dir, c.file, c.root = filepath.Dir(path), path, root
	c.setDefaults()
	if err := c.validate(root, path); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) setDefaults() {
	if c.Workspace == "" {
		c.Workspace = "refit-workspace"
	}
	if c.Drift.Metric == "" {
		c.Drift.Metric = "psi"
	}
	if c.Drift.Warn == 0 {
		c.Drift.Warn = 0.1
	}
	if c.Drift.Alert == 0 {
		c.Drift.Alert = 0.25
	}
	if c.Coverage.Label == "" {
		c.Coverage.Label = c.Train.Label
	}
	if c.Optimize.MaxMetricDrop == 0 {
		c.Optimize.MaxMetricDrop = 0.01
	}
	if c.Evaluate.Holdout == 0 {
		c.Evaluate.Holdout = 0.1
	}
	if c.Retention.KeepRuns == 0 {
		c.Retention.KeepRuns = defaultKeepRuns
	}
	for i := range c.Schedules {
		if c.Schedules[i].Timeout == 0 {
			c.Schedules[i].Timeout = Duration(time.Hour)
		}
	}
}

// Path resolves a path from the config relative to the config's directory.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// Sources are the data sources resolved against the config's directory.
func (c *Config) Sources() []string {
	out := make([]string, len(c.Data.Source))
	for i, s := range c.Data.Source {
		out[i] = c.Path(s)
	}
	return out
}
