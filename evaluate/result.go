package evaluate

// Result is one model's evaluation on one set of rows: what gates consume
// and reports render. It is plain data and JSON-serializable; undefined
// metrics are absent from the maps rather than NaN.
type Result struct {
	Model   string             `json:"model"` // version id or file name
	Task    Task               `json:"task"`
	Rows    int                `json:"rows"`
	Metrics map[string]float64 `json:"metrics"`
	Slices  []SliceResult      `json:"slices,omitempty"`
	Cost    Cost               `json:"cost"`
	// CI is the bootstrap interval of the headline metric, if computed.
	CI *Interval `json:"ci,omitempty"`
	// Intervals are the model's own intervals that range and budget gates
	// show beside their values (see Compare), per metric and slice.
	Intervals []Interval `json:"intervals,omitempty"`
	// Curves are a binary model's curves for a report, when
	// Options.Curves asked for them.
	Curves *Curves `json:"curves,omitempty"`
	// Paired holds the candidate's comparisons with the champion and the
	// float parent that the gates use (see Compare), each with its interval.
	Paired []Paired `json:"paired,omitempty"`
}

// IntervalOf returns the model's own interval of metric on slice ("" for
// all rows), or nil.
func (r Result) IntervalOf(metric, slice string) *Interval {
	for i, iv := range r.Intervals {
		if iv.Metric == metric && iv.Slice == slice {
			return &r.Intervals[i]
		}
	}
	return nil
}

// SliceResult holds the metrics of one slice of the rows.
type SliceResult struct {
	Name    string             `json:"name"`
	Rows    int                `json:"rows"`
	Metrics map[string]float64 `json:"metrics"`
	// Positives counts the slice's positive rows (binary models, with
	// Options.Curves).
	Positives int `json:"positives,omitempty"`
	// Interval is the slice's AUC interval (binary models, with
	// Options.Curves): Hanley and McNeil's 95% normal interval, nil when
	// the slice lacks a class.
	Interval *Interval `json:"interval,omitempty"`
}

// Slice returns the slice called name.
func (r Result) Slice(name string) (SliceResult, bool) {
	for _, s := range r.Slices {
		if s.Name == name {
			return s, true
		}
	}
	return SliceResult{}, false
}

// Cost is the model's size and speed. Zero means "not measured"; a gate on
// an unmeasured cost fails.
type Cost struct {
	Bytes int64 `json:"bytes"` // artifact size on disk
	// TensorBytes is the size of the layers' tensors in the file (the
	// weights, biases, scales and sparsity masks), without the header:
	// what quantization and pruning shrink.
	TensorBytes int64 `json:"tensor_bytes"`
	Params      int64 `json:"params"`   // parameters, zeros included
	Nonzeros    int64 `json:"nonzeros"` // parameters that are not zero
	// LatencyP50Us and LatencyP99Us are per-call latencies at batch size 1,
	// in microseconds, measured in-process after warm-up, on features
	// already transformed (the layers only).
	LatencyP50Us float64 `json:"latency_p50_us"`
	LatencyP99Us float64 `json:"latency_p99_us"`
	// RowsPerSec is the throughput of the layers at batch size 1024.
	RowsPerSec float64 `json:"rows_per_sec"`
	// EndToEndRowsPerSec is the throughput at batch size 1024 from Arrow
	// columns to predictions: preprocessing and layers
	// (model.Predictor.Predict). Zero when no rows were kept as Arrow.
	EndToEndRowsPerSec float64 `json:"e2e_rows_per_sec"`
}
