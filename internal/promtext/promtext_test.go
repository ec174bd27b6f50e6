package promtext

import (
	"math"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	fams := []Family{
		{Name: "runs_total", Help: "Runs by job.\nSecond \\ line.", Type: Counter, Samples: []Sample{
			{Labels: L("job", "run", "outcome", "promoted"), Value: 3},
			{Labels: L("job", `we"ird\job`+"\n"), Value: 1e21},
		}},
		{Name: "empty", Help: "left out", Type: Gauge},
		{Name: "temps", Help: "Gauges.", Type: Gauge, Samples: []Sample{
			{Value: 0.25}, {Value: math.Inf(1)}, {Value: math.Inf(-1)}, {Value: math.NaN()}, {Value: -1.5e-7},
		}},
	}
	var b strings.Builder
	if err := Write(&b, fams); err != nil {
		t.Fatal(err)
	}
	want := `# HELP runs_total Runs by job.\nSecond \\ line.
# TYPE runs_total counter
runs_total{job="run",outcome="promoted"} 3
runs_total{job="we\"ird\\job\n"} 1e+21
# HELP temps Gauges.
# TYPE temps gauge
temps 0.25
temps +Inf
temps -Inf
temps NaN
temps -1.5e-07
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteRejectsBadNames(t *testing.T) {
	for _, f := range []Family{
		{Name: "1bad", Type: Gauge},
		{Name: "ok", Type: "summary"},
		{Name: "ok", Type: Histogram, Samples: []Sample{{Suffix: "_total"}}},
		{Name: "ok", Type: Gauge, Samples: []Sample{{Labels: L("bad-label", "x")}}},
		{Name: "ok", Type: Gauge, Samples: []Sample{{Labels: L("__reserved", "x")}}},
	} {
		if err := Write(&strings.Builder{}, []Family{f}); err == nil {
			t.Errorf("Write(%+v) succeeded", f)
		}
	}
}
