package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/parquet-go/parquet-go"
)

// row is one generated delivery: will it arrive late?
type row struct {
	TS       time.Time `parquet:"ts,timestamp(microsecond)"`
	Distance *float64  `parquet:"distance,optional"`
	Weight   float64   `parquet:"weight"`
	Carrier  string    `parquet:"carrier,dict"`
	Region   string    `parquet:"region,dict"`
	Delay    float64   `parquet:"delay"`
}

// Month kinds: how a month's data differs from the first.
const (
	Stable   = "stable"
	Drift    = "drift"    // long hauls and a new carrier mix, with new delays
	Incident = "incident" // the drift goes on, and a broken upstream: missing and negative distances
	// Concept keeps the first month's distributions, but what makes a
	// delivery late changes: distance matters less (a new long-haul
	// fleet), carrier "swift" is overloaded and rural deliveries catch up. Drift on the features cannot see it; only the
	// champion's live metric can.
	Concept = "concept"
)

var (
	carriers = []string{"north", "south", "east", "west", "swift"}
	regions  = []string{"urban", "suburban", "rural"}
)

// WriteMonth writes one month of rows of a kind (Stable, Drift,
// Incident or Concept) as Parquet under dir/month=YYYY-MM/part-0.parquet and returns
// the file's path. The same seed gives the same rows.
func WriteMonth(dir string, month time.Time, kind string, rows int, seed uint64) (string, error) {
	path := filepath.Join(dir, "month="+month.Format("2006-01"), "part-0.parquet")
	return path, writeRows(path, genMonth(month, kind, rows, seed))
}

// WriteStory writes every month of the Story, the rows WriteMonth writes,
// into the one Parquet file path.
func WriteStory(path string, rows int, seed uint64) error {
	var all []row
	for i, kind := range Story {
		all = append(all, genMonth(Start.AddDate(0, i, 0), kind, rows, seed)...)
	}
	return writeRows(path, all)
}

// genMonth generates a month's rows, evenly spread over the month.
func genMonth(month time.Time, kind string, rows int, seed uint64) []row {
	rng := rand.New(rand.NewPCG(seed, uint64(month.Unix())))
	out := make([]row, rows)
	span := month.AddDate(0, 1, 0).Sub(month)
	for i := range out {
		ts := month.Add(time.Duration(float64(span) * float64(i) / float64(rows)))
		out[i] = genRow(rng, ts, kind)
	}
	return out
}

func writeRows(path string, rows []row) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := parquet.WriteFile(path, rows, parquet.Compression(&parquet.Zstd)); err != nil {
		return fmt.Errorf("demo: write %s: %w", path, err)
	}
	return nil
}

func genRow(rng *rand.Rand, ts time.Time, kind string) row {
	r := row{TS: ts, Weight: math.Exp(rng.NormFloat64()*0.6 + 1.5)}
	dist := math.Exp(rng.NormFloat64()*0.5 + 5.5) // ~250 km
	carrier := pick(rng, []float64{0.35, 0.25, 0.2, 0.15, 0.05})
	if drifted(kind) {
		dist *= 2.2
		carrier = pick(rng, []float64{0.1, 0.1, 0.15, 0.15, 0.5})
	}
	r.Carrier, r.Region = carriers[carrier], regions[rng.IntN(len(regions))]
	r.Delay = delay(rng, dist, r.Weight, carrier, r.Region, ts, kind)
	if kind == Incident && rng.IntN(3) == 0 {
		if rng.IntN(2) == 0 {
			return r // distance missing
		}
		dist = -dist
	}
	r.Distance = &dist
	return r
}

// delay is the minutes late: longer, heavier, rural and night deliveries
// run later; carrier "swift" is fast, except after the drift, when it is
// overloaded.
func delay(rng *rand.Rand, dist, weight float64, carrier int, region string, ts time.Time, kind string) float64 {
	perKm := 0.04
	if kind == Concept {
		perKm = 0.01 // a new long-haul fleet
	}
	d := perKm*dist + 1.5*weight + rng.NormFloat64()*12 - 8
	if region == "rural" && kind != Concept {
		d += 8
	}
	if h := ts.Hour(); h < 6 || h > 21 {
		d += 6
	}
	if carriers[carrier] == "swift" {
		d -= 10
		if drifted(kind) || kind == Concept {
			d += 25
		}
	}
	return math.Round(d*10) / 10
}

// drifted reports whether a month has the drift's distributions: the
// drifted month and the incident after it (the shift persists).
func drifted(kind string) bool { return kind == Drift || kind == Incident }

func pick(rng *rand.Rand, weights []float64) int {
	x := rng.Float64()
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}
