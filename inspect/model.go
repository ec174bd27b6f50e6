package inspect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
)

// CardArtifact is the model card's file name in a registered version's folder.
const CardArtifact = "MODEL_CARD.md"

// IsModelFile reports whether path is a refit model file: a safetensors
// file (an 8-byte little-endian header length, then a JSON header) whose
// header names the refit.model format. Data files never start this way:
// Parquet starts with PAR1, Arrow IPC with ARROW1 or a continuation marker.
// A file that cannot be read is not a model file.
func IsModelFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var size [8]byte
	if _, err := io.ReadFull(f, size[:]); err != nil {
		return false
	}
	n := binary.LittleEndian.Uint64(size[:])
	if n == 0 || n >= 16<<20 {
		return false
	}
	// The whole JSON header (at least 4 KiB of it, even when the length is
	// wrong, so a damaged model still says it is one): a calibrator's
	// curve can push the format entry past the first kilobytes.
	head, _ := io.ReadAll(io.LimitReader(f, int64(max(n, 4096))))
	return len(head) > 1 && head[0] == '{' && bytes.Contains(head, []byte(`"refit.model"`))
}

// ModelInfo is what `refit inspect MODEL_FILE` shows.
type ModelInfo struct {
	Path     string            `json:"path"`
	Bytes    int64             `json:"bytes"`
	Task     model.Task        `json:"task"`
	Label    string            `json:"label,omitempty"`
	Classes  []string          `json:"classes,omitempty"`
	Inputs   []Input           `json:"inputs"`
	Features int               `json:"features"`
	Layers   []Layer           `json:"layers"`
	Params   int               `json:"params"`
	NonZeros int               `json:"nonzeros"`
	Lineage  map[string]string `json:"lineage,omitempty"`
	Notes    []string          `json:"notes,omitempty"`
	Card     string            `json:"model_card,omitempty"`
}

// Input is one input column and how it is encoded.
type Input struct {
	Name     string     `json:"name"`
	Kind     model.Kind `json:"encoding"`
	Features int        `json:"features"`
	Detail   string     `json:"detail,omitempty"`
}

// Layer is one layer: its storage and how much of it is zero.
type Layer struct {
	Kind       string  `json:"kind"` // dense, sparse or int8
	In         int     `json:"in"`
	Out        int     `json:"out"`
	Activation string  `json:"activation,omitempty"`
	Params     int     `json:"params"`
	NonZeros   int     `json:"nonzeros"`
	Sparsity   float64 `json:"sparsity"`
	Quantized  string  `json:"quantization"` // float32, int8 dynamic, int8 static
}

// Model loads a model file and describes it. A model inside a registered
// version's folder shows the version's model card.
func Model(path string) (*ModelInfo, error) {
	m, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	spec := m.Spec()
	out := &ModelInfo{Path: path, Bytes: st.Size(), Task: spec.Task, Label: evaluate.LabelOf(m),
		Classes: spec.Labels, Features: m.Preprocessor().NumFeatures(), Params: m.NumParams(),
		NonZeros: m.NonZeros(), Lineage: spec.Lineage, Notes: m.Preprocessor().Notes()}
	delete(out.Lineage, evaluate.LineageLabel)
	out.Inputs = Inputs(m.Preprocessor())
	for _, l := range m.Layers() {
		out.Layers = append(out.Layers, DescribeLayer(l))
	}
	card, err := os.ReadFile(filepath.Join(filepath.Dir(path), CardArtifact))
	if err == nil {
		out.Card = string(card)
	}
	return out, nil
}

// Inputs lists the columns with their encodings and how many features
// each expands to (features are named column, column#... or column=value).
func Inputs(p *model.Preprocessor) []Input {
	names := p.FeatureNames()
	var out []Input
	for _, c := range p.Columns() {
		n := 0
		for n < len(names) && (names[n] == c.Name || strings.HasPrefix(names[n], c.Name+"#") || strings.HasPrefix(names[n], c.Name+"=")) {
			n++
		}
		names = names[n:]
		out = append(out, Input{Name: c.Name, Kind: c.Kind, Features: n, Detail: ColumnDetail(c)})
	}
	return out
}

// ColumnDetail says what a column's encoding learned in training.
func ColumnDetail(c model.Column) string {
	switch c.Kind {
	case model.KindNumeric:
		return numericDetail(c)
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
		return calendarDetail(c)
	}
	return ""
}

func numericDetail(c model.Column) string {
	s := fmt.Sprintf("mean %s, std %s, median %s", floatText(c.Mean), floatText(c.Std), floatText(c.Median))
	if len(c.Range) == 2 {
		s += fmt.Sprintf(", range [%s, %s]", floatText(c.Range[0]), floatText(c.Range[1]))
	}
	if c.MissingIndicator {
		s += ", missing indicator"
	}
	return s
}

func calendarDetail(c model.Column) string {
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

func floatText(v float64) string { return fmt.Sprintf("%.4g", v) }

// DescribeLayer says how a layer is stored and how sparse it is.
func DescribeLayer(l model.Layer) Layer {
	li := Layer{Kind: "dense", In: l.In(), Out: l.Out(), Params: l.NumParams(), NonZeros: l.NonZeros(), Quantized: "float32"}
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

// ModelArg describes the model file among a command line's paths: ok
// reports whether one of them is a model file, and err is set when it
// comes with other paths (one model file is inspected alone) or cannot be
// described.
func ModelArg(paths []string) (info *ModelInfo, ok bool, err error) {
	i := slices.IndexFunc(paths, IsModelFile)
	if i < 0 {
		return nil, false, nil
	}
	if len(paths) > 1 {
		return nil, true, fmt.Errorf("%s is a model file: inspect one model file, or data files", paths[i])
	}
	info, err = Model(paths[0])
	return info, true, err
}
