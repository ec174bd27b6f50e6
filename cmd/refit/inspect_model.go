package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
)

// isModelFile reports whether path is a refit model file: a safetensors
// file (an 8-byte little-endian header length, then a JSON header) whose
// header names the refit.model format. Data files never start this way:
// Parquet starts with PAR1, Arrow IPC with ARROW1 or a continuation marker.
func isModelFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n < 10 || head[8] != '{' {
		return false
	}
	size := binary.LittleEndian.Uint64(head[:8])
	return size > 0 && size < 16<<20 && bytes.Contains(head[8:], []byte(`"refit.model"`))
}

// modelInspection is what `refit inspect MODEL_FILE` shows.
type modelInspection struct {
	Path     string            `json:"path"`
	Bytes    int64             `json:"bytes"`
	Task     model.Task        `json:"task"`
	Label    string            `json:"label,omitempty"`
	Classes  []string          `json:"classes,omitempty"`
	Inputs   []inputColumn     `json:"inputs"`
	Features int               `json:"features"`
	Layers   []layerInspection `json:"layers"`
	Params   int               `json:"params"`
	NonZeros int               `json:"nonzeros"`
	Lineage  map[string]string `json:"lineage,omitempty"`
	Notes    []string          `json:"notes,omitempty"`
	Card     string            `json:"model_card,omitempty"`
}

// inputColumn is one input column and how it is encoded.
type inputColumn struct {
	Name     string     `json:"name"`
	Kind     model.Kind `json:"encoding"`
	Features int        `json:"features"`
	Detail   string     `json:"detail,omitempty"`
}

// layerInspection is one layer: its storage and how much of it is zero.
type layerInspection struct {
	Kind       string  `json:"kind"` // dense, sparse or int8
	In         int     `json:"in"`
	Out        int     `json:"out"`
	Activation string  `json:"activation,omitempty"`
	Params     int     `json:"params"`
	NonZeros   int     `json:"nonzeros"`
	Sparsity   float64 `json:"sparsity"`
	Quantized  string  `json:"quantization"` // float32, int8 dynamic, int8 static
}

// inspectModel loads a model file and describes it. A model inside a
// registered version's folder shows the version's MODEL_CARD.md.
func inspectModel(path string) (*modelInspection, error) {
	m, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	spec := m.Spec()
	out := &modelInspection{Path: path, Bytes: st.Size(), Task: spec.Task, Label: evaluate.LabelOf(m),
		Classes: spec.Labels, Features: m.Preprocessor().NumFeatures(), Params: m.NumParams(),
		NonZeros: m.NonZeros(), Lineage: spec.Lineage, Notes: m.Preprocessor().Notes()}
	delete(out.Lineage, evaluate.LineageLabel)
	out.Inputs = inputColumns(m.Preprocessor())
	for _, l := range m.Layers() {
		out.Layers = append(out.Layers, inspectLayer(l))
	}
	card, err := os.ReadFile(filepath.Join(filepath.Dir(path), modelCardArtifact))
	if err == nil {
		out.Card = string(card)
	}
	return out, nil
}

// inputColumns lists the columns with their encodings and how many
// features each expands to (features are named column, column#... or column=value).
func inputColumns(p *model.Preprocessor) []inputColumn {
	names := p.FeatureNames()
	var out []inputColumn
	for _, c := range p.Columns() {
		n := 0
		for n < len(names) && (names[n] == c.Name || strings.HasPrefix(names[n], c.Name+"#") || strings.HasPrefix(names[n], c.Name+"=")) {
			n++
		}
		names = names[n:]
		out = append(out, inputColumn{Name: c.Name, Kind: c.Kind, Features: n, Detail: columnDetail(c)})
	}
	return out
}

// columnDetail says what a column's encoding learned in training.
func columnDetail(c model.Column) string {
	switch c.Kind {
	case model.KindNumeric:
		s := fmt.Sprintf("mean %s, std %s, median %s", floatText(c.Mean), floatText(c.Std), floatText(c.Median))
		if len(c.Range) == 2 {
			s += fmt.Sprintf(", range [%s, %s]", floatText(c.Range[0]), floatText(c.Range[1]))
		}
		if c.MissingIndicator {
			s += ", missing indicator"
		}
		return s
	case model.KindCategorical:
		shown := c.Categories
		if len(shown) > 5 {
			shown = shown[:5]
		}
		s := fmt.Sprintf("%d categories (%s", len(c.Categories), strings.Join(shown, ", "))
		if len(shown) < len(c.Categories) {
			s += ", …"
		}
		return s + ") + other + missing"
	case model.KindTime, model.KindDate:
		if c.Calendar == nil {
			return "sin/cos of the calendar (format version 1)"
		}
		parts := []string{"weekday"}
		if c.Kind == model.KindTime {
			parts = []string{"hour", "weekday"}
		}
		if c.Calendar.Month {
			parts = append(parts, "month")
		}
		s := "one-hot " + strings.Join(parts, ", ")
		if c.Zone != "" {
			s += ", zone " + c.Zone
		}
		return s
	}
	return ""
}

func floatText(v float64) string { return fmt.Sprintf("%.4g", v) }

func inspectLayer(l model.Layer) layerInspection {
	li := layerInspection{Kind: "dense", In: l.In(), Out: l.Out(), Params: l.NumParams(), NonZeros: l.NonZeros(), Quantized: "float32"}
	switch q := l.(type) {
	case *model.Sparse:
		li.Kind = "sparse"
	case *model.Int8Dense:
		li.Kind, li.Quantized = "int8", "int8 per-channel, dynamic input range"
		if q.Options().InputScale != 0 {
			li.Quantized = "int8 per-channel, static input range"
		}
	}
	if a, ok := l.(interface{ Activation() model.Activation }); ok {
		li.Activation = string(a.Activation())
	}
	if li.Params > 0 {
		li.Sparsity = 1 - float64(li.NonZeros)/float64(li.Params)
	}
	return li
}

func writeModelText(w io.Writer, mi *modelInspection) error {
	fmt.Fprintf(w, "model %s  %s\ntask      %s\n", mi.Path, bytesText(mi.Bytes), mi.Task)
	if mi.Label != "" {
		fmt.Fprintf(w, "label     %s\n", mi.Label)
	}
	if len(mi.Classes) > 0 {
		fmt.Fprintf(w, "classes   %s\n", strings.Join(mi.Classes, ", "))
	}
	fmt.Fprintf(w, "params    %d (%d non-zero)\n\ninputs (%d columns, %d features)\n", mi.Params, mi.NonZeros, len(mi.Inputs), mi.Features)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  column\tencoding\tfeatures\tlearned")
	for _, c := range mi.Inputs {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", c.Name, c.Kind, c.Features, c.Detail)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nlayers")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tkind\tshape\tactivation\tparams\tsparsity\tweights")
	for i, l := range mi.Layers {
		fmt.Fprintf(tw, "  %d\t%s\t%dx%d\t%s\t%d\t%.1f%%\t%s\n", i+1, l.Kind, l.In, l.Out, l.Activation, l.Params, 100*l.Sparsity, l.Quantized)
	}
	tw.Flush()
	writeLineage(w, mi)
	if mi.Card != "" {
		fmt.Fprintf(w, "\n%s", mi.Card)
	}
	return nil
}

func writeLineage(w io.Writer, mi *modelInspection) {
	for _, n := range mi.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(mi.Lineage) == 0 {
		return
	}
	fmt.Fprintln(w, "\nlineage")
	keys := make([]string, 0, len(mi.Lineage))
	for k := range mi.Lineage {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %s\n", k, mi.Lineage[k])
	}
}

// runInspectModel inspects a model file, when args name one: it reports
// whether they did.
func runInspectModel(w io.Writer, format string, args []string) (bool, error) {
	i := slices.IndexFunc(args, isModelFile)
	if i < 0 {
		return false, nil
	}
	if len(args) > 1 {
		return true, fmt.Errorf("%s is a model file: inspect one model file, or data files", args[i])
	}
	mi, err := inspectModel(args[0])
	if err != nil {
		return true, err
	}
	if format == "json" {
		return true, writeJSON(w, mi)
	}
	return true, writeModelText(w, mi)
}
