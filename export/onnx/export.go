package onnx

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
	"github.com/refit-ml/refit/model"
	"google.golang.org/protobuf/proto"
)

// The opsets the exported models import, and their IR version. ONNX
// Runtime supports them since 1.12; 1.30 is what bench/peers tests with.
const (
	Opset   = 17 // ai.onnx
	OpsetML = 3  // ai.onnx.ml (LabelEncoder)
	// IRVersion is the ONNX IR version of opset 17 (ONNX 1.12).
	IRVersion = 8
)

const domainML = "ai.onnx.ml"

// Errors. Export's errors wrap one of them.
var (
	// ErrInvalidInput: bad Options (an unknown column, a type that does
	// not fit, a metadata key Export writes itself).
	ErrInvalidInput = errors.New("invalid input")
	// ErrUnsupported: the model has something the exporter cannot
	// express in ONNX (a time zone with daylight saving time, a layer
	// type it does not know, a category that is the empty string).
	ErrUnsupported = errors.New("not supported")
)

// InputType is the element type of a numeric input.
type InputType string

// The numeric input types.
const (
	// Float is tensor(float); NaN and ±Inf are missing.
	Float InputType = "float"
	// Double is tensor(double); NaN and ±Inf are missing.
	Double InputType = "double"
	// Int64 is tensor(int64); math.MinInt64 is missing.
	Int64 InputType = "int64"
)

// Options configure Export. The zero value exports with float numeric
// inputs and no metadata beyond the model's own.
type Options struct {
	// Numeric sets the element type of numeric input columns, by column
	// name. Defaults to Float for every numeric column.
	Numeric map[string]InputType
	// Metadata is added to the model's metadata_props, for instance the
	// registry version and the model card. It must not repeat a key
	// Export writes itself (see the package doc). Defaults to none.
	Metadata map[string]string
	// Name is the graph's name. Defaults to "refit".
	Name string
}

// File is an exported model.
type File struct {
	// Data is the serialized ONNX ModelProto, ready to write to a .onnx
	// file.
	Data []byte
	// Inputs and Outputs describe the graph's inputs (one per input
	// column, in the model's column order) and outputs.
	Inputs, Outputs []Tensor
	// Ops counts the graph's nodes by operator; operators of another
	// domain than ai.onnx are prefixed with it ("ai.onnx.ml:LabelEncoder").
	Ops map[string]int
}

// Tensor describes a graph input or output.
type Tensor struct {
	Name string `json:"name"`
	// Type is the element type: "float", "double", "int64" or "string".
	Type string `json:"type"`
	// Shape has -1 for the batch dimension N.
	Shape []int64 `json:"shape"`
	// Doc says what the tensor holds and how a missing value is given.
	Doc string `json:"doc"`
}

// reservedNames are the graph's output names; no input column may have
// them.
var reservedNames = []string{"probabilities", "label", "prediction"}

// Export converts m, preprocessing included, to an ONNX model. It does not
// modify m. The same model and options always give the same bytes.
func Export(m *model.Model, opts Options) (*File, error) {
	cols := m.Preprocessor().Columns()
	if err := checkOptions(cols, opts); err != nil {
		return nil, fmt.Errorf("onnx: export: %w", err)
	}
	name := opts.Name
	if name == "" {
		name = "refit"
	}
	props, err := metadata(m, opts.Metadata)
	if err != nil {
		return nil, fmt.Errorf("onnx: export: %w", err)
	}
	b := newBuilder(name)
	x, err := encodeColumns(b, cols, opts.Numeric)
	if err != nil {
		return nil, fmt.Errorf("onnx: export: %w", err)
	}
	for i, l := range m.Layers() {
		if x, err = layer(b, i, l, x); err != nil {
			return nil, fmt.Errorf("onnx: export: %w", err)
		}
	}
	outputs(b, m, x)
	mp := &pb.ModelProto{
		IrVersion:     IRVersion,
		OpsetImport:   []*pb.OperatorSetIdProto{{Domain: "", Version: Opset}, {Domain: domainML, Version: OpsetML}},
		ProducerName:  "refit",
		Domain:        "ai.refit",
		DocString:     "A refit model with its preprocessing: one input per raw feature column, see each input's doc_string.",
		Graph:         b.g,
		MetadataProps: props,
	}
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(mp)
	if err != nil {
		return nil, fmt.Errorf("onnx: export: encoding the model: %w", err)
	}
	return &File{Data: data, Inputs: describe(b.g.Input), Outputs: describe(b.g.Output), Ops: b.ops}, nil
}

func checkOptions(cols []model.Column, opts Options) error {
	kinds := map[string]model.Kind{}
	for _, c := range cols {
		kinds[c.Name] = c.Kind
		if strings.HasPrefix(c.Name, "refit/") || slices.Contains(reservedNames, c.Name) {
			return fmt.Errorf("%w: input column %q: the name is taken by the graph's own tensors", ErrUnsupported, c.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(opts.Numeric)) {
		t := opts.Numeric[name]
		switch k, ok := kinds[name]; {
		case !ok:
			return fmt.Errorf("%w: numeric input type for %q: the model has no such column", ErrInvalidInput, name)
		case k != model.KindNumeric:
			return fmt.Errorf("%w: numeric input type for %q: it is a %s column", ErrInvalidInput, name, k)
		case t != Float && t != Double && t != Int64:
			return fmt.Errorf("%w: input type %q for %q: want float, double or int64", ErrInvalidInput, t, name)
		}
	}
	return nil
}

// metadata is the model's own description, its lineage and extra, sorted
// by key.
func metadata(m *model.Model, extra map[string]string) ([]*pb.StringStringEntryProto, error) {
	spec := m.Spec()
	kv := map[string]string{}
	kv["refit.task"] = string(spec.Task)
	kv["refit.labels"] = jsonString(spec.Labels)
	kv["refit.features"] = jsonString(m.Preprocessor().FeatureNames())
	kv["refit.preprocessing"] = jsonString(m.Preprocessor().Columns())
	kv["refit.architecture"] = architecture(m)
	for k, v := range spec.Lineage {
		kv["refit.lineage."+k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		if _, ok := kv[k]; ok {
			return nil, fmt.Errorf("%w: metadata key %q is the exporter's own", ErrInvalidInput, k)
		}
		kv[k] = extra[k]
	}
	out := make([]*pb.StringStringEntryProto, 0, len(kv))
	for _, k := range slices.Sorted(maps.Keys(kv)) {
		out = append(out, &pb.StringStringEntryProto{Key: k, Value: kv[k]})
	}
	return out, nil
}

func jsonString(v any) string {
	data, _ := json.Marshal(v) // labels, names and columns always encode
	return string(data)
}

// architecture describes the layers: "dense 20x64 relu, int8 64x1 sigmoid".
func architecture(m *model.Model) string {
	parts := make([]string, 0, len(m.Layers()))
	for _, l := range m.Layers() {
		kind := "dense"
		switch l.(type) {
		case *model.Sparse:
			kind = "sparse"
		case *model.Int8Dense:
			kind = "int8"
		}
		act := ""
		if a, ok := l.(interface{ Activation() model.Activation }); ok {
			act = " " + string(a.Activation())
		}
		parts = append(parts, fmt.Sprintf("%s %dx%d%s", kind, l.In(), l.Out(), act))
	}
	return strings.Join(parts, ", ")
}

func describe(vis []*pb.ValueInfoProto) []Tensor {
	out := make([]Tensor, len(vis))
	for i, vi := range vis {
		tt := vi.GetType().GetTensorType()
		t := Tensor{Name: vi.Name, Doc: vi.DocString, Type: elemName(pb.TensorProto_DataType(tt.GetElemType()))}
		for _, d := range tt.GetShape().GetDim() {
			if d.GetDimParam() != "" {
				t.Shape = append(t.Shape, -1)
			} else {
				t.Shape = append(t.Shape, d.GetDimValue())
			}
		}
		out[i] = t
	}
	return out
}

func elemName(t pb.TensorProto_DataType) string {
	return strings.ToLower(t.String())
}
