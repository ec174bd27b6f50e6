package dashboard

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/pipeline"
)

// cell is one cell of a heatmap: its text, its class (the verdict or
// level that colours it) and its tooltip.
type cell struct{ Text, Class, Title string }

// heatRow is one feature or column of a heatmap over runs.
type heatRow struct {
	Name  string
	Cells []cell
}

// trendsData is the trends page.
type trendsData struct {
	Runs []string // run ids, oldest first, the heatmaps' columns
	// Metric names the champion's metric in Champion.
	Metric   string
	Champion lineChart
	Rows     lineChart
	Drift    []heatRow
	Nulls    []heatRow
	Events   []event
}

// event is a retrain, promotion or block, listed under the charts.
type event struct{ Run, Date, Kind, What string }

func (h *handler) trendsPage(ctx context.Context, _ *http.Request) (string, string, any, error) {
	recs, err := h.records(ctx)
	if err != nil {
		return "", "", nil, err
	}
	models, err := h.models(ctx)
	if err != nil {
		return "", "", nil, err
	}
	metrics := map[string]map[string]float64{}
	for _, v := range models.Versions {
		metrics[v.ID] = v.Metrics
	}
	return "trends.html.tmpl", "Trends", trends(recs, metrics), nil
}

// trends lays out the records (oldest first) as charts and heatmaps;
// metrics are the versions' holdout metrics by id.
func trends(recs []*pipeline.Record, metrics map[string]map[string]float64) trendsData {
	d := trendsData{Metric: trendMetric(recs, metrics)}
	labels := make([]string, len(recs))
	champ := series{Name: "champion's holdout " + d.Metric, Class: "s-holdout"}
	live := series{Name: "champion on the new labelled rows", Class: "s-live"}
	est := series{Name: "champion on the new rows, estimated (CBPE)", Class: "s-est"}
	rows := series{Name: "new rows", Class: "s-rows"}
	var marks []marker
	for i, rec := range recs {
		labels[i] = rec.Clock.UTC().Format("2006-01-02")
		d.Runs = append(d.Runs, rec.ID)
		champ.Values = append(champ.Values, valueOr(metrics[rec.ChampionAfter], d.Metric))
		v, e := monitored(rec.Monitor, d.Metric)
		live.Values = append(live.Values, v)
		est.Values = append(est.Values, e)
		rows.Values = append(rows.Values, float64(rec.NewRows))
		if ev, ok := eventOf(rec); ok {
			ev.Date = labels[i]
			d.Events = append(d.Events, ev)
			marks = append(marks, marker{At: i, Class: "m-" + ev.Kind, Title: ev.Run + " " + ev.Date + ": " + ev.What})
		}
	}
	lines := []series{champ}
	if slices.ContainsFunc(live.Values, func(v float64) bool { return !math.IsNaN(v) }) {
		lines = append(lines, live)
	}
	if slices.ContainsFunc(est.Values, func(v float64) bool { return !math.IsNaN(v) }) {
		lines = append(lines, est)
	}
	d.Champion = newLineChart(labels, lines, marks)
	d.Rows = newLineChart(labels, []series{rows}, marks)
	d.Drift = driftHeatmap(recs)
	d.Nulls = nullHeatmap(recs)
	return d
}

// monitored is a run's realized and estimated value of metric on its new
// rows (NaN where it has none): with monitor.estimate the record keeps both
// side by side, and Value is whichever decided.
func monitored(m *pipeline.MonitorResult, metric string) (realized, estimated float64) {
	realized, estimated = math.NaN(), math.NaN()
	if m == nil || m.Metric != metric {
		return realized, estimated
	}
	switch {
	case m.Realized != nil:
		realized = *m.Realized
	case m.Source != pipeline.SourceEstimated:
		realized = m.Value
	}
	if m.Estimated != nil {
		estimated = m.Estimated.Value
	}
	return realized, estimated
}

// trendMetric is the monitored metric if any run monitored one, else auc,
// else the first metric of a champion.
func trendMetric(recs []*pipeline.Record, metrics map[string]map[string]float64) string {
	for _, rec := range recs {
		if rec.Monitor != nil && rec.Monitor.Metric != "" {
			return rec.Monitor.Metric
		}
	}
	for _, rec := range recs {
		if m := metrics[rec.ChampionAfter]; m != nil {
			if names := headline(sortedKeys(m)); len(names) > 0 {
				return names[0]
			}
		}
	}
	return "auc"
}

func valueOr(m map[string]float64, k string) float64 {
	if v, ok := m[k]; ok {
		return v
	}
	return math.NaN()
}

// eventOf says what a run changed: a promotion, a retrain whose candidate
// was not promoted, or a block.
func eventOf(rec *pipeline.Record) (event, bool) {
	ev := event{Run: rec.ID}
	switch {
	case rec.Outcome == pipeline.OutcomePromoted:
		ev.Kind, ev.What = "promotion", "promoted "+rec.ChampionAfter
	case rec.Training != nil:
		ev.Kind, ev.What = "retrain", "retrained "+orDash(rec.Candidate)+", "+string(rec.Outcome)
	case rec.Outcome == pipeline.OutcomeBlockedData:
		ev.Kind, ev.What = "blocked", "blocked by data errors"
	default:
		return ev, false
	}
	return ev, true
}

// driftHeatmap is each feature's PSI against the champion per run.
func driftHeatmap(recs []*pipeline.Record) []heatRow {
	var names []string
	for _, rec := range recs {
		if rec.Drift == nil {
			continue
		}
		for _, f := range rec.Drift.Features {
			if !slices.Contains(names, f.Name) {
				names = append(names, f.Name)
			}
		}
	}
	out := make([]heatRow, len(names))
	for i, name := range names {
		out[i].Name = name
		for _, rec := range recs {
			c := cell{Text: "-", Class: "h-none", Title: rec.ID + ": not measured"}
			if rec.Drift != nil {
				for _, f := range rec.Drift.Features {
					if f.Name == name && f.Kind == "temporal" && f.Score == 0 && f.Numeric != nil {
						// An instant column's range moves with the clock: its PSI
						// ranks nothing, its calendar features carry the verdict.
						c = cell{Text: "clock", Class: "h-none", Title: rec.ID + ": " + strings.Join(f.Notes, "; ")}
					} else if f.Name == name {
						c = cell{Text: numText(round4(f.PSI)), Class: "v-" + f.Verdict.String(),
							Title: rec.ID + ": PSI " + numText(f.PSI) + ", " + f.Verdict.String()}
					}
				}
			}
			out[i].Cells = append(out[i].Cells, c)
		}
	}
	return out
}

// nullHeatmap is each column's null rate in the new data per run, for the
// columns that had a null in some run.
func nullHeatmap(recs []*pipeline.Record) []heatRow {
	var names []string
	for _, rec := range recs {
		if rec.Profile == nil {
			continue
		}
		for _, c := range rec.Profile.Columns {
			if c.Nulls > 0 && !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
	}
	out := make([]heatRow, len(names))
	for i, name := range names {
		out[i].Name = name
		for _, rec := range recs {
			out[i].Cells = append(out[i].Cells, nullCell(rec, name))
		}
	}
	return out
}

func nullCell(rec *pipeline.Record, name string) cell {
	if p := rec.Profile; p != nil && p.Rows > 0 {
		for _, c := range p.Columns {
			if c.Name != name {
				continue
			}
			rate := float64(c.Nulls) / float64(p.Rows)
			class := "h-zero"
			switch {
			case rate >= 0.05:
				class = "v-alert"
			case rate > 0:
				class = "v-warn"
			}
			return cell{Text: numfmt.Percent(100*rate, 3), Class: class,
				Title: rec.ID + ": " + numfmt.Count(c.Nulls) + " of " + numfmt.Count(p.Rows) + " rows null"}
		}
	}
	return cell{Text: "-", Class: "h-none", Title: rec.ID + ": not profiled"}
}

func sortedKeys(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
