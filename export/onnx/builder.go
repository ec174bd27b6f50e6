package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
)

// builder appends nodes and constant initializers to a graph. Every name
// it makes starts with "refit/", so it cannot clash with an input column
// (Export rejects columns named so).
type builder struct {
	g     *pb.GraphProto
	n     int
	ops   map[string]int // "domain:op" → count, for File.Ops
	cache map[string]string
}

func newBuilder(name string) *builder {
	return &builder{g: &pb.GraphProto{Name: name}, ops: map[string]int{}, cache: map[string]string{}}
}

// name returns a fresh tensor name with hint in it.
func (b *builder) name(hint string) string {
	b.n++
	return "refit/" + hint + "/" + strconv.Itoa(b.n)
}

// op adds a node of the default domain with one output and returns the
// output's name. An empty input name is an omitted optional input.
func (b *builder) op(op, hint string, inputs []string, attrs ...*pb.AttributeProto) string {
	return b.opIn("", op, hint, inputs, attrs...)
}

// ml adds a node of the ai.onnx.ml domain.
func (b *builder) ml(op, hint string, inputs []string, attrs ...*pb.AttributeProto) string {
	return b.opIn(domainML, op, hint, inputs, attrs...)
}

func (b *builder) opIn(domain, op, hint string, inputs []string, attrs ...*pb.AttributeProto) string {
	out := b.name(hint)
	b.node(domain, op, hint, inputs, []string{out}, attrs...)
	return out
}

// node adds a node with the given outputs.
func (b *builder) node(domain, op, hint string, inputs, outputs []string, attrs ...*pb.AttributeProto) {
	b.g.Node = append(b.g.Node, &pb.NodeProto{
		Name: b.name(hint + "/" + op), OpType: op, Domain: domain,
		Input: inputs, Output: outputs, Attribute: attrs,
	})
	key := op
	if domain != "" {
		key = domain + ":" + op
	}
	b.ops[key]++
}

// tensor adds an initializer and returns its name. Small constants are
// added once per distinct content: scalars repeat a lot (0, 1, -1,
// 86400e6).
func (b *builder) tensor(hint string, t *pb.TensorProto) string {
	small := len(t.RawData) <= 64 && len(t.StringData) == 0
	key := fmt.Sprint(t.DataType, t.Dims, string(t.RawData))
	if name, ok := b.cache[key]; ok && small {
		return name
	}
	t.Name = b.name(hint)
	b.g.Initializer = append(b.g.Initializer, t)
	if small {
		b.cache[key] = t.Name
	}
	return t.Name
}

func (b *builder) f32(hint string, dims []int64, v ...float32) string {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(x))
	}
	return b.tensor(hint, &pb.TensorProto{DataType: int32(pb.TensorProto_FLOAT), Dims: dims, RawData: raw})
}

func (b *builder) f64(hint string, dims []int64, v ...float64) string {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(x))
	}
	return b.tensor(hint, &pb.TensorProto{DataType: int32(pb.TensorProto_DOUBLE), Dims: dims, RawData: raw})
}

func (b *builder) i64(hint string, dims []int64, v ...int64) string {
	raw := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(raw[8*i:], uint64(x))
	}
	return b.tensor(hint, &pb.TensorProto{DataType: int32(pb.TensorProto_INT64), Dims: dims, RawData: raw})
}

func (b *builder) i32(hint string, dims []int64, v []int32) string {
	raw := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(raw[4*i:], uint32(x))
	}
	return b.tensor(hint, &pb.TensorProto{DataType: int32(pb.TensorProto_INT32), Dims: dims, RawData: raw})
}

func (b *builder) i8(hint string, dims []int64, v []int8) string {
	raw := make([]byte, len(v))
	for i, x := range v {
		raw[i] = byte(x)
	}
	return b.tensor(hint, &pb.TensorProto{DataType: int32(pb.TensorProto_INT8), Dims: dims, RawData: raw})
}

func (b *builder) u8(hint string, dims []int64, v ...uint8) string {
	return b.tensor(hint, &pb.TensorProto{DataType: int32(pb.TensorProto_UINT8), Dims: dims, RawData: append([]byte(nil), v...)})
}

// scalar dims: a rank-0 tensor.
var scalar = []int64{}

func attrInt(name string, v int64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INT, I: v}
}

func attrInts(name string, v ...int64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INTS, Ints: v}
}

func attrString(name, v string) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_STRING, S: []byte(v)}
}

func attrTensor(name string, t *pb.TensorProto) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_TENSOR, T: t}
}

func attrStrings(name string, v []string) *pb.AttributeProto {
	s := make([][]byte, len(v))
	for i, x := range v {
		s[i] = []byte(x)
	}
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_STRINGS, Strings: s}
}

// valueInfo describes a graph input or output: elem type and shape, -1
// for the symbolic batch dimension "N".
func valueInfo(name, doc string, elem pb.TensorProto_DataType, shape ...int64) *pb.ValueInfoProto {
	dims := make([]*pb.TensorShapeProto_Dimension, len(shape))
	for i, d := range shape {
		if d < 0 {
			dims[i] = &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}}
		} else {
			dims[i] = &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: d}}
		}
	}
	return &pb.ValueInfoProto{Name: name, DocString: doc, Type: &pb.TypeProto{
		Value: &pb.TypeProto_TensorType{TensorType: &pb.TypeProto_Tensor{
			ElemType: int32(elem), Shape: &pb.TensorShapeProto{Dim: dims},
		}},
	}}
}
