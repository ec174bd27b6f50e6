package onnx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
	"github.com/refit-ml/refit/model"
	"google.golang.org/protobuf/proto"
)

var testOptions = Options{Numeric: map[string]InputType{"delay_prev": Int64}, Metadata: map[string]string{"refit.version": "v0007"}}

func exportProto(t *testing.T, m *model.Model, opts Options) (*File, *pb.ModelProto) {
	t.Helper()
	f, err := Export(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	var mp pb.ModelProto
	if err := proto.Unmarshal(f.Data, &mp); err != nil {
		t.Fatalf("decoding the exported model: %v", err)
	}
	checkWellFormed(t, mp.Graph)
	return f, &mp
}

// checkWellFormed checks that the nodes are in topological order: every
// input of a node is a graph input, an initializer or an earlier node's
// output, and every name is defined once.
func checkWellFormed(t *testing.T, g *pb.GraphProto) {
	t.Helper()
	defined := map[string]bool{"": true}
	def := func(name string) {
		if defined[name] {
			t.Errorf("tensor %q defined twice", name)
		}
		defined[name] = true
	}
	for _, in := range g.Input {
		def(in.Name)
	}
	for _, init := range g.Initializer {
		def(init.Name)
	}
	for _, n := range g.Node {
		for _, in := range n.Input {
			if !defined[in] {
				t.Errorf("node %s (%s) reads %q before it is defined", n.Name, n.OpType, in)
			}
		}
		for _, out := range n.Output {
			def(out)
		}
	}
	for _, out := range g.Output {
		if !defined[out.Name] {
			t.Errorf("output %q is not computed", out.Name)
		}
	}
}

func TestExportStructure(t *testing.T) {
	m := testModel(t, model.TaskBinary, 1)
	f, mp := exportProto(t, m, testOptions)
	if mp.IrVersion != IRVersion || len(mp.OpsetImport) != 2 ||
		mp.OpsetImport[0].Domain != "" || mp.OpsetImport[0].Version != Opset ||
		mp.OpsetImport[1].Domain != "ai.onnx.ml" || mp.OpsetImport[1].Version != OpsetML {
		t.Errorf("IR %d, opsets %v", mp.IrVersion, mp.OpsetImport)
	}
	wantIn := []struct {
		name, typ string
	}{{"distance", "float"}, {"delay_prev", "int64"}, {"origin", "string"}, {"date", "int64"},
		{"local", "int64"}, {"day", "int64"}, {"v1time", "int64"}}
	if len(f.Inputs) != len(wantIn) {
		t.Fatalf("inputs %v", f.Inputs)
	}
	for i, w := range wantIn {
		in := f.Inputs[i]
		if in.Name != w.name || in.Type != w.typ || !slices.Equal(in.Shape, []int64{-1, 1}) || in.Doc == "" {
			t.Errorf("input %d = %+v, want %s %s [N, 1] with a doc", i, in, w.name, w.typ)
		}
	}
	if len(f.Outputs) != 2 || f.Outputs[0].Name != "probabilities" || f.Outputs[0].Type != "float" ||
		!slices.Equal(f.Outputs[0].Shape, []int64{-1, 2}) ||
		f.Outputs[1].Name != "label" || f.Outputs[1].Type != "string" || !slices.Equal(f.Outputs[1].Shape, []int64{-1}) {
		t.Errorf("outputs %+v", f.Outputs)
	}
	for op, n := range map[string]int{"Gemm": 3, "Relu": 2, "Sigmoid": 1, "ai.onnx.ml:LabelEncoder": 2,
		"Sin": 3, "Cos": 3, "QuantizeLinear": 0, "Concat": 2} {
		if f.Ops[op] != n {
			t.Errorf("%d %s nodes, want %d (ops %v)", f.Ops[op], op, n, f.Ops)
		}
	}
	for _, n := range mp.Graph.Node {
		if n.Domain == "" && n.OpType == "LabelEncoder" {
			t.Errorf("LabelEncoder in the default domain")
		}
	}
	meta := map[string]string{}
	for _, p := range mp.MetadataProps {
		meta[p.Key] = p.Value
	}
	for k, v := range map[string]string{"refit.task": "binary", "refit.labels": `["on time","late"]`,
		"refit.lineage.label": "delay > 15", "refit.version": "v0007",
		"refit.architecture": "dense 110x8 relu, dense 8x4 relu, dense 4x1 sigmoid"} {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
}

// TestExportWeights checks that the Gemm initializers are the model's
// weights, pruned zeros included, in refit's [out][in] layout.
func TestExportWeights(t *testing.T) {
	m := testModel(t, model.TaskBinary, 2)
	_, mp := exportProto(t, m, Options{})
	inits := initializers(mp.Graph)
	var gemms int
	for _, n := range mp.Graph.Node {
		if n.OpType != "Gemm" {
			continue
		}
		d := m.Layers()[gemms].(*model.Dense)
		w, b := inits[n.Input[1]], inits[n.Input[2]]
		if !slices.Equal(w.Dims, []int64{int64(d.Out()), int64(d.In())}) || !slices.Equal(floats(w), d.Weights()) ||
			!slices.Equal(floats(b), d.Bias()) {
			t.Errorf("Gemm %d: weights or bias differ from layer %d", gemms, gemms)
		}
		if n.Attribute[0].Name != "transB" || n.Attribute[0].I != 1 {
			t.Errorf("Gemm %d: attributes %v", gemms, n.Attribute)
		}
		gemms++
	}
	if zeros := countZeros(floats(inits[mp.Graph.Node[slices.IndexFunc(mp.Graph.Node, isGemm)].Input[1]])); zeros == 0 {
		t.Error("the pruned first layer has no zero weights in the graph")
	}
}

// transpose returns the cols×rows transpose of the row-major rows×cols v.
func transpose(v []int8, rows, cols int) []int8 {
	out := make([]int8, len(v))
	for r := range rows {
		for c := range cols {
			out[c*rows+r] = v[r*cols+c]
		}
	}
	return out
}

func isGemm(n *pb.NodeProto) bool { return n.OpType == "Gemm" }

func countZeros(v []float32) int {
	n := 0
	for _, x := range v {
		if x == 0 {
			n++
		}
	}
	return n
}

// TestExportInt8 checks the int8 layers: static ones in QDQ form
// (per-channel int8 weights Q [out][in], DequantizeLinear along axis 0,
// zero points 0, Gemm), dynamic ones as MatMulInteger with Qᵀ after the
// per-block range.
func TestExportInt8(t *testing.T) {
	for _, static := range []bool{true, false} {
		name := map[bool]string{true: "static", false: "dynamic"}[static]
		t.Run(name, func(t *testing.T) {
			m := quantized(t, testModel(t, model.TaskBinary, 3), static)
			f, mp := exportProto(t, m, Options{})
			want := map[string]int{"QuantizeLinear": 3, "Relu": 0, "Max": 2}
			if static {
				want["DequantizeLinear"], want["Gemm"], want["MatMulInteger"], want["ReduceMin"] = 6, 3, 0, 0
			} else {
				want["DequantizeLinear"], want["Gemm"], want["MatMulInteger"], want["ReduceMin"] = 0, 0, 3, 6
			}
			for op, n := range want {
				if f.Ops[op] != n && (op != "Max" || f.Ops[op] < n) {
					t.Errorf("%d %s nodes, want %d", f.Ops[op], op, n)
				}
			}
			inits := initializers(mp.Graph)
			layer := 0
			for _, n := range mp.Graph.Node {
				weightDQ := n.OpType == "DequantizeLinear" && inits[n.Input[0]] != nil
				if !weightDQ && n.OpType != "MatMulInteger" {
					continue
				}
				l := m.Layers()[layer].(*model.Int8Dense)
				want, dims := l.Quantized(), []int64{int64(l.Out()), int64(l.In())}
				q := inits[n.Input[0]]
				if weightDQ {
					s, z := inits[n.Input[1]], inits[n.Input[2]]
					if len(n.Attribute) != 1 || n.Attribute[0].Name != "axis" || n.Attribute[0].I != 0 {
						t.Errorf("layer %d: weight DequantizeLinear attributes %v", layer, n.Attribute)
					}
					if !slices.Equal(floats(s), l.Scales()) || !bytes.Equal(z.RawData, make([]byte, l.Out())) {
						t.Errorf("layer %d: scales or zero points differ", layer)
					}
				} else { // MatMulInteger(codes, Qᵀ)
					q, want, dims = inits[n.Input[1]], transpose(want, l.Out(), l.In()), []int64{int64(l.In()), int64(l.Out())}
				}
				if q.DataType != int32(pb.TensorProto_INT8) || !slices.Equal(q.Dims, dims) {
					t.Errorf("layer %d: weights %v %v", layer, q.DataType, q.Dims)
				}
				for i, v := range want {
					if int8(q.RawData[i]) != v {
						t.Fatalf("layer %d: weight %d differs", layer, i)
					}
				}
				layer++
			}
			if layer != 3 {
				t.Errorf("found %d weight DequantizeLinear nodes, want 3", layer)
			}
		})
	}
}

func TestExportTasks(t *testing.T) {
	for _, tc := range []struct {
		task    model.Task
		outputs []Tensor
		op      string
	}{
		{model.TaskMulticlass, []Tensor{{Name: "probabilities", Type: "float", Shape: []int64{-1, 3}}, {Name: "label", Type: "string", Shape: []int64{-1}}}, "Softmax"},
		{model.TaskRegression, []Tensor{{Name: "prediction", Type: "float", Shape: []int64{-1, 1}}}, "Gemm"},
	} {
		t.Run(string(tc.task), func(t *testing.T) {
			f, _ := exportProto(t, testModel(t, tc.task, 4), Options{})
			if len(f.Outputs) != len(tc.outputs) {
				t.Fatalf("outputs %+v", f.Outputs)
			}
			for i, o := range tc.outputs {
				got := f.Outputs[i]
				if got.Name != o.Name || got.Type != o.Type || !slices.Equal(got.Shape, o.Shape) {
					t.Errorf("output %d = %+v, want %+v", i, got, o)
				}
			}
			if f.Ops[tc.op] == 0 {
				t.Errorf("no %s node: %v", tc.op, f.Ops)
			}
		})
	}
}

// opset17 are the operators the exporter may use, with the ai.onnx
// opset that gave each its current form: all at most Opset, so ONNX
// Runtime 1.12 and later run the graphs.
var opset17 = map[string]int{
	"Add": 14, "And": 7, "ArgMax": 13, "Cast": 13, "Clip": 13, "Concat": 13, "ConstantOfShape": 9, "Cos": 7,
	"DequantizeLinear": 13, "Div": 14, "Equal": 13, "EyeLike": 9, "Gather": 13, "Gemm": 13, "Greater": 13,
	"GreaterOrEqual": 16, "Identity": 16, "IsInf": 10, "IsNaN": 13, "MatMulInteger": 10, "Max": 13, "Min": 13,
	"Mod": 13, "Mul": 14, "Neg": 13, "Not": 1, "Or": 7, "Pad": 13, "QuantizeLinear": 13, "Range": 11,
	"Reciprocal": 13, "ReduceMax": 13, "ReduceMin": 13, "Relu": 14, "Reshape": 14, "Round": 11, "Shape": 15,
	"Sigmoid": 13, "Sin": 7, "Slice": 13, "Softmax": 13, "Sub": 14, "Tanh": 13, "Where": 16,
	"ai.onnx.ml:LabelEncoder": 2,
}

// TestExportOpsets checks that every model the tests build uses only
// operators of opset17.
func TestExportOpsets(t *testing.T) {
	for _, m := range []*model.Model{testModel(t, model.TaskBinary, 6), testModel(t, model.TaskMulticlass, 7),
		testModel(t, model.TaskRegression, 8), quantized(t, testModel(t, model.TaskBinary, 9), true),
		quantized(t, testModel(t, model.TaskMulticlass, 10), false)} {
		f, err := Export(m, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		for op := range f.Ops {
			if v, ok := opset17[op]; !ok || v > Opset {
				t.Errorf("operator %s is not in opset %d", op, Opset)
			}
		}
	}
}

func TestExportDeterministic(t *testing.T) {
	m := quantized(t, testModel(t, model.TaskBinary, 5), false)
	a, err := Export(m, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Export(m, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Data, b.Data) {
		t.Error("two exports of the same model differ")
	}
}

func TestExportErrors(t *testing.T) {
	withColumn := func(edit func(c []model.Column)) *model.Model {
		cols := testColumns()
		edit(cols)
		pre, err := model.NewPreprocessor(cols)
		if err != nil {
			t.Fatal(err)
		}
		d, err := model.NewDense(pre.NumFeatures(), 1, make([]float32, pre.NumFeatures()), []float32{0}, model.Sigmoid)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"a", "b"}}, pre, []model.Layer{d})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	plain := withColumn(func([]model.Column) {})
	for _, tc := range []struct {
		name string
		m    *model.Model
		opts Options
		want error
	}{
		{"unknown numeric column", plain, Options{Numeric: map[string]InputType{"nope": Int64}}, ErrInvalidInput},
		{"type for a categorical column", plain, Options{Numeric: map[string]InputType{"origin": Int64}}, ErrInvalidInput},
		{"bad type", plain, Options{Numeric: map[string]InputType{"distance": "int32"}}, ErrInvalidInput},
		{"metadata key taken", plain, Options{Metadata: map[string]string{"refit.task": "x"}}, ErrInvalidInput},
		{"zone with daylight saving time", withColumn(func(c []model.Column) { c[4].Zone = "America/New_York" }), Options{}, ErrUnsupported},
		{"empty category", withColumn(func(c []model.Column) { c[2].Categories[1] = "" }), Options{}, ErrUnsupported},
		{"column named label", withColumn(func(c []model.Column) { c[0].Name = "label" }), Options{}, ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Export(tc.m, tc.opts); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func initializers(g *pb.GraphProto) map[string]*pb.TensorProto {
	out := map[string]*pb.TensorProto{}
	for _, t := range g.Initializer {
		out[t.Name] = t
	}
	return out
}

func floats(t *pb.TensorProto) []float32 {
	if t == nil {
		return nil
	}
	out := make([]float32, len(t.RawData)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.RawData[4*i:]))
	}
	return out
}
