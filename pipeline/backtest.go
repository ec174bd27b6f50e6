package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
)

// BacktestOptions control a backtest. Dir is required; the zero value of
// every other field takes its default.
type BacktestOptions struct {
	// Dir holds each policy's scratch workspace, Dir/<policy>, which must
	// not exist yet or be empty. Required.
	Dir string
	// From and To bound the replay, [From, To). From defaults to the
	// start of the period holding the data's first time (the first of its
	// month for month steps, its midnight otherwise); To to the end of
	// the period holding the data's last time.
	From, To time.Time
	// Every is the length of a period. Defaults to one month.
	Every Step
	// Policies are replayed side by side. Defaults to Policies
	// (configured, never, always).
	Policies []Policy
	// Limits protect against hostile input files.
	Limits ingest.Limits
	// Logger receives the runs' progress. Defaults to slog.Default().
	Logger *slog.Logger
	// Progress, when set, sees every run's events (Options.Progress),
	// with ProgressEvent.Run as "POLICY PERIOD-END RUN-ID". Defaults to
	// nothing.
	Progress func(ProgressEvent)
}

// BacktestResult is what a backtest replayed: per period, each policy's
// champion metric and run; per policy, a summary.
type BacktestResult struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Every string    `json:"every"`
	// Metric is the metric of Period.Policies[].Metric: monitor.metric,
	// or the task's headline metric (auc for binary labels).
	Metric   string          `json:"metric"`
	Policies []Policy        `json:"policies"`
	Periods  []Period        `json:"periods"`
	Summary  []PolicySummary `json:"summary"`
	// Dir holds the policies' workspaces, with every run's record and
	// report.
	Dir string `json:"dir"`
}

// Period is one period of a backtest, [From, To).
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Rows is the number of the period's rows (the runs' new rows);
	// Scored the number of its labelled rows the champions were scored
	// on.
	Rows   int64 `json:"rows"`
	Scored int   `json:"scored"`
	// Policies are in BacktestResult.Policies order.
	Policies []PolicyPeriod `json:"policies"`
}

// PolicyPeriod is one policy in one period: its champion at the period's
// start scored on the period's rows, then its run at the period's end
// (clock To) on those rows as new data.
type PolicyPeriod struct {
	Policy Policy `json:"policy"`
	// Champion is the champion at the period's start; empty before the
	// first.
	Champion string `json:"champion,omitempty"`
	// Metric is Champion's metric on the period's labelled rows; nil
	// without a champion or rows, or when undefined (one class only).
	Metric *float64 `json:"metric"`
	// Run, Outcome and Reasons are the run at the period's end.
	Run     string   `json:"run"`
	Outcome Outcome  `json:"outcome"`
	Reasons []string `json:"reasons"`
	// Retrained is true when the run trained a candidate; TrainSeconds
	// is the time of its train and optimize stages (fine-tuning is
	// training).
	Retrained    bool    `json:"retrained"`
	TrainSeconds float64 `json:"train_seconds"`
	// ChampionAfter is the champion after the run.
	ChampionAfter string `json:"champion_after,omitempty"`
	// Error is what stopped a failed run.
	Error string `json:"error,omitempty"`

	newRows int64
}

// PolicySummary sums up one policy over the backtest.
type PolicySummary struct {
	Policy Policy `json:"policy"`
	// MeanMetric is the mean metric over the periods every policy had a
	// metric for (Scored of them), so policies compare on the same rows;
	// nil when there are none.
	MeanMetric *float64 `json:"mean_metric"`
	Scored     int      `json:"scored"`
	// NoChampion counts the periods the policy started without a
	// champion (the first, and more when gates rejected its first
	// candidates): they have no metric and are left out of every mean.
	NoChampion int `json:"no_champion"`
	Retrains   int `json:"retrains"`
	Promotions int `json:"promotions"`
	// TrainSeconds is the total training compute.
	TrainSeconds float64 `json:"train_seconds"`
	Failures     int     `json:"failures"`
}

// Backtest replays the pipeline of cfg over history on a simulated clock,
// once per policy, each in its own scratch workspace. For each period
// [t, t+Every) from From to To it first scores every policy's champion (the
// one it had at the period's start) on the period's labelled rows, then
// runs the pipeline at clock t+Every with the period's rows as the new data
// (Options.NewSince = t): the run sees no row at or after its clock. The
// first period has no champion yet; its run trains the first one.
//
// A run blocked by data or gates is an outcome, not an error; a failed run
// is recorded in its period and the replay goes on. Errors are returned
// for bad options and for what stops the whole replay.
func Backtest(ctx context.Context, cfg *Config, opts BacktestOptions) (*BacktestResult, error) {
	opts, spans, err := backtestSetup(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	bt := &BacktestResult{From: spans[0].from, To: spans[len(spans)-1].to, Every: opts.Every.String(),
		Metric: configuredMetric(cfg), Policies: opts.Policies, Dir: opts.Dir}
	replays := make([]*replay, len(opts.Policies))
	for i, p := range opts.Policies {
		if replays[i], err = newReplay(cfg, opts, p); err != nil {
			return nil, err
		}
	}
	for _, s := range spans {
		per, err := backtestPeriod(ctx, cfg, opts, replays, s, bt)
		if err != nil {
			return bt, err
		}
		bt.Periods = append(bt.Periods, per)
	}
	bt.Summary = summarize(bt)
	return bt, nil
}

// backtestSetup checks opts, fills in their defaults and splits the range
// into periods.
func backtestSetup(ctx context.Context, cfg *Config, opts BacktestOptions) (BacktestOptions, []span, error) {
	if opts.Dir == "" {
		return opts, nil, fmt.Errorf("%w: a backtest needs a scratch directory", ErrConfig)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return opts, nil, fmt.Errorf("pipeline: %w", err)
	}
	opts.Dir = dir
	if !opts.Every.valid() {
		opts.Every = Step{Months: 1}
	}
	if len(opts.Policies) == 0 {
		opts.Policies = Policies
	}
	for _, p := range opts.Policies {
		if err := p.check(); err != nil {
			return opts, nil, err
		}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.From.IsZero() || opts.To.IsZero() {
		lo, hi, err := timeRange(ctx, cfg.Sources(), cfg.Data.TimeColumn, opts.Limits)
		if err != nil {
			return opts, nil, err
		}
		if opts.From.IsZero() {
			opts.From = opts.Every.align(lo)
		}
		if opts.To.IsZero() {
			opts.To = periodEnd(opts.From, hi, opts.Every)
		}
	}
	spans, err := periods(opts.From, opts.To, opts.Every)
	return opts, spans, err
}

// configuredMetric is the metric a backtest scores: monitor.metric, or
// the configured task's headline metric; empty when the task is left to
// be inferred (the first scored model's task then decides).
func configuredMetric(cfg *Config) string {
	if cfg.Monitor.Metric != "" {
		return cfg.Monitor.Metric
	}
	if cfg.Train.Task != "" {
		return evaluate.Headline(evaluate.Task(cfg.Train.Task))
	}
	return ""
}

// periodEnd is the end of the period from from holding t.
func periodEnd(from, t time.Time, step Step) time.Time {
	end := step.next(from)
	for !end.After(t) {
		end = step.next(end)
	}
	return end
}

// backtestPeriod scores the policies' champions on the period's rows, then
// runs each policy at the period's end.
func backtestPeriod(ctx context.Context, cfg *Config, opts BacktestOptions, replays []*replay, s span, bt *BacktestResult) (Period, error) {
	per := Period{From: s.from, To: s.to}
	metrics, err := scoreChampions(ctx, cfg, opts, replays, s, bt, &per)
	if err != nil {
		return per, err
	}
	for i, rp := range replays {
		pp, err := rp.runPeriod(ctx, s)
		if err != nil {
			return per, err
		}
		pp.Metric = metrics[i]
		per.Policies = append(per.Policies, pp)
		per.Rows = max(per.Rows, pp.newRows)
	}
	opts.Logger.Info("backtest period", "from", s.from, "to", s.to, "rows", per.Rows)
	return per, nil
}

// replay is one policy's state across a backtest.
type replay struct {
	policy Policy
	cfg    Config // cfg with the policy's scratch workspace
	opts   BacktestOptions
	champ  *scoredChampion
}

func newReplay(cfg *Config, opts BacktestOptions, p Policy) (*replay, error) {
	ws := filepath.Join(opts.Dir, string(p))
	if entries, err := os.ReadDir(ws); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%w: backtest workspace %s is not empty: use a new directory", ErrConfig, ws)
	}
	rp := &replay{policy: p, cfg: *cfg, opts: opts}
	rp.cfg.Workspace = ws
	return rp, nil
}

// runPeriod runs the pipeline at the end of s with s's rows as new data.
func (rp *replay) runPeriod(ctx context.Context, s span) (PolicyPeriod, error) {
	pp := PolicyPeriod{Policy: rp.policy}
	if rp.champ != nil {
		pp.Champion = rp.champ.id
	}
	rec, err := Run(ctx, &rp.cfg, Options{Now: s.to, NewSince: s.from, Policy: rp.policy,
		Trigger: "backtest:" + string(rp.policy), Limits: rp.opts.Limits, Logger: rp.opts.Logger, Progress: rp.progress(s)})
	if rec == nil {
		return pp, fmt.Errorf("pipeline: backtest %s at %s: %w", rp.policy, s.to.Format(time.RFC3339), err)
	}
	if err != nil && !errors.Is(err, ErrBlocked) {
		pp.Error = err.Error()
	}
	pp.Run, pp.Outcome, pp.Reasons, pp.ChampionAfter, pp.newRows = rec.ID, rec.Outcome, rec.Reasons, rec.ChampionAfter, rec.NewRows
	for _, st := range rec.Stages {
		if st.Name == "train" && st.Status == StageOK {
			pp.Retrained = true
		}
		if st.Name == "train" || st.Name == "optimize" {
			pp.TrainSeconds += st.Duration.Seconds()
		}
	}
	if rec.ChampionAfter != "" && (rp.champ == nil || rp.champ.id != rec.ChampionAfter) {
		if rp.champ, err = loadScoredChampion(ctx, rp.cfg.Path(rp.cfg.Workspace), rec.ChampionAfter); err != nil {
			return pp, err
		}
	}
	return pp, nil
}

// summarize computes each policy's summary; the mean metric is over the
// periods where every policy had one.
func summarize(bt *BacktestResult) []PolicySummary {
	out := make([]PolicySummary, len(bt.Policies))
	sums := make([]float64, len(bt.Policies))
	scored := 0
	for _, per := range bt.Periods {
		all := true
		for _, pp := range per.Policies {
			all = all && pp.Metric != nil
		}
		if all {
			scored++
		}
		for i, pp := range per.Policies {
			s := &out[i]
			if all {
				sums[i] += *pp.Metric
			}
			s.TrainSeconds += pp.TrainSeconds
			s.Retrains += count(pp.Retrained)
			s.Promotions += count(pp.Outcome == OutcomePromoted)
			s.Failures += count(pp.Error != "")
			s.NoChampion += count(pp.Champion == "")
		}
	}
	for i, p := range bt.Policies {
		out[i].Policy, out[i].Scored = p, scored
		if scored > 0 {
			m := sums[i] / float64(scored)
			out[i].MeanMetric = &m
		}
	}
	return out
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}
