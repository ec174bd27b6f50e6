package serve

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/refit-ml/refit/internal/promtext"
)

// latencyBuckets are the upper bounds of the request latency histogram,
// seconds.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

// scoreMetrics counts the scoring endpoint's requests.
type scoreMetrics struct {
	mu      sync.Mutex
	codes   map[int]int64    // responses by HTTP status
	buckets []int64          // per latencyBuckets, then +Inf (not cumulative)
	sum     float64          // seconds
	rows    map[string]int64 // rows scored by version
}

func newScoreMetrics() *scoreMetrics {
	return &scoreMetrics{codes: map[int]int64{}, buckets: make([]int64, len(latencyBuckets)+1), rows: map[string]int64{}}
}

// observe records one request of the scoring API.
func (m *scoreMetrics) observe(code int, d time.Duration, version string, rows int) {
	sec := d.Seconds()
	b, _ := slices.BinarySearch(latencyBuckets, sec)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.codes[code]++
	m.buckets[b]++
	m.sum += sec
	if rows > 0 {
		m.rows[version] += int64(rows)
	}
}

// families is the scoring part of /metrics; champion is the version in
// service ("" before there is one) and oor the out-of-range counts of the
// scorers in service.
func (m *scoreMetrics) families(champion string, swaps int, oor []promtext.Sample) []promtext.Family {
	m.mu.Lock()
	defer m.mu.Unlock()
	codes := promtext.Family{Name: "refit_infer_requests_total", Type: promtext.Counter,
		Help: "Requests to the scoring API (/v2), by HTTP status code."}
	for _, c := range []int{200, 400, 401, 404, 503} { // the usual ones from the start
		if _, ok := m.codes[c]; !ok {
			m.codes[c] = 0
		}
	}
	for _, c := range slices.Sorted(maps.Keys(m.codes)) {
		codes.Samples = append(codes.Samples, promtext.Sample{Labels: promtext.L("code", strconv.Itoa(c)), Value: float64(m.codes[c])})
	}
	lat := promtext.Family{Name: "refit_infer_request_duration_seconds", Type: promtext.Histogram,
		Help: "Latency of requests to the scoring API, from the request read to the response written, seconds."}
	var cum, total int64
	for i, ub := range latencyBuckets {
		cum += m.buckets[i]
		lat.Samples = append(lat.Samples, promtext.Sample{Suffix: "_bucket", Labels: promtext.L("le", strconv.FormatFloat(ub, 'g', -1, 64)), Value: float64(cum)})
	}
	total = cum + m.buckets[len(latencyBuckets)]
	lat.Samples = append(lat.Samples,
		promtext.Sample{Suffix: "_bucket", Labels: promtext.L("le", "+Inf"), Value: float64(total)},
		promtext.Sample{Suffix: "_sum", Value: m.sum},
		promtext.Sample{Suffix: "_count", Value: float64(total)})
	rows := promtext.Family{Name: "refit_infer_rows_total", Type: promtext.Counter, Help: "Rows scored, by the model version that scored them."}
	for _, v := range slices.Sorted(maps.Keys(m.rows)) {
		rows.Samples = append(rows.Samples, promtext.Sample{Labels: promtext.L("version", v), Value: float64(m.rows[v])})
	}
	inService := promtext.Family{Name: "refit_model_in_service", Type: promtext.Gauge,
		Help: "1 for the version the champion alias serves (absent before there is a champion)."}
	if champion != "" {
		inService.Samples = []promtext.Sample{{Labels: promtext.L("alias", "champion", "version", champion), Value: 1}}
	}
	return []promtext.Family{codes, lat, rows, inService,
		{Name: "refit_model_swaps_total", Type: promtext.Counter, Help: "Times the scoring endpoint loaded a new champion (the first load included).",
			Samples: []promtext.Sample{{Value: float64(swaps)}}},
		{Name: "refit_infer_out_of_range_total", Type: promtext.Counter,
			Help:    "Input values outside what the model's training data had (numbers beyond its range, categories, hours, weekdays or months never seen), by version and column.",
			Samples: oor},
	}
}
