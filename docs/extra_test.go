package docs

// extraDocs describe the fields that have no doc comment of their own, by
// "pkg.Type.Field". A doc comment on the field supersedes its entry (the
// test then asks to remove it).
var extraDocs = map[string]string{
	"pipeline.OptimizeConfig.Prune":                "Prune sets magnitude pruning of the candidate before quantization.",
	"pipeline.OptimizeConfig.Prune.Structured":     "Structured removes whole hidden units (rows of a layer and the matching inputs of the next) instead of single weights. Defaults to false.",
	"pipeline.OptimizeConfig.Prune.FinetuneEpochs": "FinetuneEpochs retrains the pruned model this many epochs with its zeros held, to recover accuracy. Defaults to 0.",
	"pipeline.Schedule.Name":                       "Name identifies the schedule in logs, /healthz and the catalog's run triggers. Required, unique.",

	"evaluate.Gate.Name":                 "Name labels the gate in verdicts and reports. Defaults to a name built from the gate (\"auc min\").",
	"evaluate.Gate.Metric":               "Metric the gate checks: accuracy, precision, recall, f1, auc, pr_auc, logloss, brier, ece (binary); accuracy, macro_f1, weighted_f1, logloss (multiclass); rmse, mae, r2, mape (regression); or a cost: bytes, params, nonzeros, latency_p50_us, latency_p99_us, rows_per_sec. Required for range and change gates; budgets take none.",
	"evaluate.Gate.PerSlice":             "PerSlice applies the gate to every slice (configured coverage slices and the automatic ones) instead of the overall rows. Defaults to false.",
	"evaluate.Gate.Min":                  "Min is the lowest value of the metric that passes (a range gate). Optional.",
	"evaluate.Gate.Max":                  "Max is the highest value of the metric that passes (a range gate). Optional.",
	"evaluate.Gate.MaxDropVsChampion":    "MaxDropVsChampion fails the candidate when it is shown worse than the champion by more than this, in the metric's unit (for metrics where higher is better): the whole 90% paired interval of the drop lies above it.",
	"evaluate.Gate.MaxDropVsChampionPct": "MaxDropVsChampionPct is MaxDropVsChampion in percent of the champion's value.",
	"evaluate.Gate.MaxRiseVsChampion":    "MaxRiseVsChampion is MaxDropVsChampion for metrics where lower is better (logloss, rmse, latency): the candidate fails when shown higher by more than this.",
	"evaluate.Gate.MaxRiseVsChampionPct": "MaxRiseVsChampionPct is MaxRiseVsChampion in percent of the champion's value.",
	"evaluate.Gate.MaxDropVsParent":      "MaxDropVsParent compares an optimized (pruned, quantized) candidate with its float parent instead of the champion, as MaxDropVsChampion does.",
	"evaluate.Gate.MaxDropVsParentPct":   "MaxDropVsParentPct is MaxDropVsParent in percent of the parent's value.",
	"evaluate.Gate.MaxRiseVsParent":      "MaxRiseVsParent compares an optimized candidate with its float parent, as MaxRiseVsChampion does.",
	"evaluate.Gate.MaxRiseVsParentPct":   "MaxRiseVsParentPct is MaxRiseVsParent in percent of the parent's value.",
	"evaluate.Gate.BeatChampionBeyondCI": "BeatChampionBeyondCI requires the candidate to be better than the champion beyond the interval of the difference: the whole 90% paired interval of the gain lies above 0. Defaults to false.",
	"evaluate.Gate.LatencyP50Us":         "LatencyP50Us is a budget: the candidate's median single-batch latency, in microseconds, must be at most this.",
	"evaluate.Gate.LatencyP99Us":         "LatencyP99Us is a budget: the candidate's 99th-percentile latency, in microseconds, must be at most this.",
	"evaluate.Gate.MinRowsPerSec":        "MinRowsPerSec is a budget: the candidate must score at least this many rows per second.",
	"evaluate.Gate.MaxBytes":             "MaxBytes is a budget: the model file may be at most this many bytes.",
	"evaluate.Gate.MaxParams":            "MaxParams is a budget: the model may store at most this many parameters.",
	"evaluate.Gate.MaxNonzeros":          "MaxNonzeros is a budget: the model may have at most this many non-zero parameters (after pruning).",

	"expect.Expectations.Version":             "Version of the file format: 1. Required.",
	"expect.RowsCheck.Min":                    "Min is the fewest rows that pass. Optional.",
	"expect.RowsCheck.Max":                    "Max is the most rows that pass. Optional.",
	"expect.DuplicateRowsCheck.MaxFraction":   "MaxFraction is the largest fraction of rows that may repeat an earlier row.",
	"expect.NullsCheck.MaxFraction":           "MaxFraction is the largest fraction of rows where the column may be null (0: none).",
	"expect.RangeCheck.MaxOutsideFraction":    "MaxOutsideFraction is the largest fraction of non-null values that may fall outside [min, max]. Defaults to 0: the range is hard.",
	"expect.NegativesCheck.MaxFraction":       "MaxFraction is the largest fraction of non-null values that may be below zero.",
	"expect.ValuesCheck.Allowed":              "Allowed are the values the column may take, as text (strings as they are, numbers in shortest decimal form, booleans true/false).",
	"expect.ValuesCheck.MaxUnseenFraction":    "MaxUnseenFraction is the largest fraction of non-null values that may be outside allowed. Defaults to 0.",
	"expect.PatternCheck.Regex":               "Regex is the pattern values must match, in Go's RE2 syntax, unanchored: use ^…$ to match whole values.",
	"expect.PatternCheck.MaxFailingFraction":  "MaxFailingFraction is the largest fraction of non-null strings that may not match. Defaults to 0.",
	"expect.UniqueCheck.MaxDuplicateFraction": "MaxDuplicateFraction is the largest fraction of non-null values that may repeat an earlier value. Defaults to 0.",
	"expect.FreshnessCheck.MaxAge":            "MaxAge is how long before the run's clock (audit --now, or the run's) the column's latest time may be.",
	"expect.RuleCheck.Name":                   "Name names the rule in findings. Required.",
	"expect.RuleCheck.Expr":                   "Expr is the condition, an expression over the columns (`arrival >= departure`, `month(date) <= 12`). Rows where it is false fail; rows where a null keeps it from being evaluated are skipped.",
	"expect.RuleCheck.MaxFailingFraction":     "MaxFailingFraction is the largest fraction of the evaluated rows that may fail. Defaults to 0.",
}

const configIntro = `refit.yaml configures 'refit run', 'refit serve', 'refit backtest' and
the workspace of every command given --config. Loading is strict: an
unknown key, a wrong type, a bad cron spec or expression and an impossible
threshold fail with the file, the line and a fix, all at once. Relative
paths are relative to the file. 'refit init' writes a starting one.

Expressions (data.derive, train.label, coverage slices, --where) are
expr-lang expressions over the columns, with calendar functions such as
hour(date), month(date) and weekday(date).`

const policyIntro = `A gate policy lists the checks a candidate model must pass to be promoted:
'refit gate --policy FILE', or the evaluate.gates section of refit.yaml.
Each gate has exactly one kind: a metric with bounds (min, max), a
comparison with the champion or the parent (max_drop_vs_*, max_rise_vs_*,
beat_champion_beyond_ci), or a budget (latency, throughput, size).
Candidate, champion and parent are scored on the same rows: comparisons use
paired bootstrap intervals (90%, two-sided), and a drop or rise fails only
when the data show it beyond the limit.`

const expectationsIntro = `An expectations file lists data checks: 'refit infer' writes a starting
one from data, 'refit audit --expect' and the expectations key of refit.yaml
read it. Every check has a severity (error fails the audit or blocks the
run; warn is reported) and a failing check names the rows and values.`
