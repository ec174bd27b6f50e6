// Package promtext writes metrics in the Prometheus text exposition format
// (version 0.0.4), by hand, so refit needs no client library for its few
// gauges and counters.
//
// Write checks metric and label names and escapes help text and label
// values as the format requires; it writes families and samples in the
// order given, so callers sort them for stable output.
package promtext

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// ContentType is the Content-Type of the format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Metric types.
const (
	Counter   = "counter"
	Gauge     = "gauge"
	Histogram = "histogram" // samples carry Suffix _bucket (with le), _sum and _count
)

// Family is one metric name with its help, type and samples.
type Family struct {
	Name    string
	Help    string
	Type    string // Counter, Gauge or Histogram
	Samples []Sample
}

// Sample is one labelled value.
type Sample struct {
	// Suffix follows the family name: "_bucket", "_sum" or "_count" in a
	// histogram; empty otherwise.
	Suffix string
	Labels []Label
	Value  float64
}

// Label is one name="value" pair.
type Label struct{ Name, Value string }

// L builds labels from name, value pairs; an odd trailing name is dropped.
func L(pairs ...string) []Label {
	out := make([]Label, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Label{pairs[i], pairs[i+1]})
	}
	return out
}

var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// Write writes the families. Families without samples are left out, as
// the Prometheus client libraries do.
func Write(w io.Writer, fams []Family) error {
	bw := bufio.NewWriter(w)
	for _, f := range fams {
		if err := check(f); err != nil {
			return err
		}
		if len(f.Samples) == 0 {
			continue
		}
		fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s %s\n", f.Name, escapeHelp(f.Help), f.Name, f.Type)
		for _, s := range f.Samples {
			bw.WriteString(f.Name + s.Suffix)
			writeLabels(bw, s.Labels)
			bw.WriteString(" " + formatValue(s.Value) + "\n")
		}
	}
	return bw.Flush()
}

func check(f Family) error {
	if !metricName.MatchString(f.Name) {
		return fmt.Errorf("promtext: bad metric name %q", f.Name)
	}
	if f.Type != Counter && f.Type != Gauge && f.Type != Histogram {
		return fmt.Errorf("promtext: %s: bad type %q", f.Name, f.Type)
	}
	var errs []error
	for _, s := range f.Samples {
		if s.Suffix != "" && (f.Type != Histogram || (s.Suffix != "_bucket" && s.Suffix != "_sum" && s.Suffix != "_count")) {
			errs = append(errs, fmt.Errorf("promtext: %s: bad suffix %q for a %s", f.Name, s.Suffix, f.Type))
		}
		for _, l := range s.Labels {
			if !labelName.MatchString(l.Name) || strings.HasPrefix(l.Name, "__") {
				errs = append(errs, fmt.Errorf("promtext: %s: bad label name %q", f.Name, l.Name))
			}
		}
	}
	return errors.Join(errs...)
}

func writeLabels(w *bufio.Writer, ls []Label) {
	if len(ls) == 0 {
		return
	}
	w.WriteByte('{')
	for i, l := range ls {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(l.Name + `="` + labelEscaper.Replace(l.Value) + `"`)
	}
	w.WriteByte('}')
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeHelp(s string) string { return helpEscaper.Replace(s) }

// formatValue writes floats as Go's shortest representation, with the
// format's spellings of infinities and NaN.
func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
