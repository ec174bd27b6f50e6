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
	// CIVsChampion is the paired bootstrap interval of this model's metric
	// minus the champion's on the same rows (BootstrapBinaryPaired), if
	// computed. beat_champion_beyond_ci gates prefer it to CI.
	CIVsChampion *Interval `json:"ci_vs_champion,omitempty"`
}

// SliceResult holds the metrics of one slice of the rows.
type SliceResult struct {
	Name    string             `json:"name"`
	Rows    int                `json:"rows"`
	Metrics map[string]float64 `json:"metrics"`
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
	Bytes    int64 `json:"bytes"`    // artifact size on disk
	Params   int64 `json:"params"`   // parameters, zeros included
	Nonzeros int64 `json:"nonzeros"` // parameters that are not zero
	// LatencyP50Us and LatencyP99Us are per-call latencies at batch size 1,
	// in microseconds, measured in-process after warm-up.
	LatencyP50Us float64 `json:"latency_p50_us"`
	LatencyP99Us float64 `json:"latency_p99_us"`
	// RowsPerSec is the throughput at batch size 1024.
	RowsPerSec float64 `json:"rows_per_sec"`
}
