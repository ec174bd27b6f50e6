// Command gen writes the ONNX models of the ONNX Runtime peer benchmark:
// an MLP with input 128, hidden 256 and 128 (relu) and one sigmoid output,
// with random weights, as float32 (mlp_f32.onnx) and as int8 QDQ
// (mlp_qdq.onnx: QuantizeLinear/DequantizeLinear around every Gemm, the
// layout onnxruntime.quantization.quantize_static produces, which ONNX
// Runtime fuses into QGemm). It has its own module and a minimal protobuf
// encoder so the peer stays out of the main module.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// pb is a protobuf message being encoded.
type pb []byte

func (m pb) varint(v uint64) pb {
	for v >= 0x80 {
		m = append(m, byte(v)|0x80)
		v >>= 7
	}
	return append(m, byte(v))
}

func (m pb) tag(field, wire int) pb    { return m.varint(uint64(field<<3 | wire)) }
func (m pb) i64(field int, v int64) pb { return m.tag(field, 0).varint(uint64(v)) }
func (m pb) bytes(field int, b []byte) pb {
	return append(m.tag(field, 2).varint(uint64(len(b))), b...)
}
func (m pb) str(field int, s string) pb { return m.bytes(field, []byte(s)) }
func (m pb) f32(field int, v float32) pb {
	return binary.LittleEndian.AppendUint32(m.tag(field, 5), math.Float32bits(v))
}

// ONNX TensorProto data types.
const (
	tFloat = 1
	tUint8 = 2
	tInt8  = 3
	tInt32 = 6
)

func tensor(name string, dtype int, raw []byte, dims ...int64) pb {
	var t pb
	for _, d := range dims {
		t = t.i64(1, d)
	}
	return t.i64(2, int64(dtype)).str(8, name).bytes(9, raw)
}

func f32Raw(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func i32Raw(v ...int32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, uint32(x))
	}
	return b
}

func node(op string, in []string, out string, attrs ...pb) pb {
	var n pb
	for _, s := range in {
		n = n.str(1, s)
	}
	n = n.str(2, out).str(3, out).str(4, op)
	for _, a := range attrs {
		n = n.bytes(5, a)
	}
	return n
}

func intAttr(name string, v int64) pb { return pb(nil).str(1, name).i64(3, v).i64(20, 2) }

// valueInfo is a float tensor [N, width].
func valueInfo(name string, width int64) pb {
	shape := pb(nil).bytes(1, pb(nil).str(2, "N")).bytes(1, pb(nil).i64(1, width))
	tt := pb(nil).i64(1, tFloat).bytes(2, shape)
	return pb(nil).str(1, name).bytes(2, pb(nil).bytes(1, tt))
}

type graph struct {
	nodes, inits []pb
}

func (g *graph) add(n pb)  { g.nodes = append(g.nodes, n) }
func (g *graph) init(t pb) { g.inits = append(g.inits, t) }

func (g *graph) model(name string, in, out int64) []byte {
	var gr pb
	for _, n := range g.nodes {
		gr = gr.bytes(1, n)
	}
	gr = gr.str(2, name)
	for _, t := range g.inits {
		gr = gr.bytes(5, t)
	}
	gr = gr.bytes(11, valueInfo("x", in)).bytes(12, valueInfo("y", out))
	opset := pb(nil).str(1, "").i64(2, 13)
	return pb(nil).i64(1, 7).str(2, "refit-peer-gen").bytes(7, gr).bytes(8, opset)
}

var widths = []int{128, 256, 128, 1}

func main() {
	dir := flag.String("o", ".", "output directory")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	r := rand.New(rand.NewPCG(*seed, 0))
	ws, bs := make([][]float32, 3), make([][]float32, 3)
	for l := range 3 {
		in, out := widths[l], widths[l+1]
		ws[l], bs[l] = make([]float32, in*out), make([]float32, out)
		for i := range ws[l] {
			ws[l][i] = float32(r.NormFloat64() * math.Sqrt(2/float64(in)))
		}
		for i := range bs[l] {
			bs[l][i] = float32(r.NormFloat64() * 0.1)
		}
	}
	for name, m := range map[string][]byte{"mlp_f32.onnx": float32Model(ws, bs), "mlp_qdq.onnx": qdqModel(ws, bs)} {
		if err := os.WriteFile(filepath.Join(*dir, name), m, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func float32Model(ws, bs [][]float32) []byte {
	var g graph
	x := "x"
	for l := range 3 {
		w, b := fmt.Sprintf("w%d", l), fmt.Sprintf("b%d", l)
		g.init(tensor(w, tFloat, f32Raw(ws[l]...), int64(widths[l+1]), int64(widths[l])))
		g.init(tensor(b, tFloat, f32Raw(bs[l]...), int64(widths[l+1])))
		gemm := fmt.Sprintf("gemm%d", l)
		g.add(node("Gemm", []string{x, w, b}, gemm, intAttr("transB", 1)))
		x = fmt.Sprintf("act%d", l)
		if l == 2 {
			x = "y"
			g.add(node("Sigmoid", []string{gemm}, x))
		} else {
			g.add(node("Relu", []string{gemm}, x))
		}
	}
	return g.model("mlp_f32", 128, 1)
}

// qdqModel quantizes weights per tensor (symmetric int8), biases to int32
// with scale input·weight, and activations to uint8 with fixed scales
// (x ~ N(0, 2) as in refit's benchmark; relu outputs from 0).
func qdqModel(ws, bs [][]float32) []byte {
	var g graph
	actScale := []float32{16.0 / 255, 8.0 / 255, 8.0 / 255}
	actZero := []byte{128, 0, 0}
	g.init(tensor("s_x", tFloat, f32Raw(actScale[0])))
	g.init(tensor("z_x", tUint8, []byte{actZero[0]}))
	g.add(node("QuantizeLinear", []string{"x", "s_x", "z_x"}, "xq"))
	g.add(node("DequantizeLinear", []string{"xq", "s_x", "z_x"}, "xd"))
	x, sx := "xd", actScale[0]
	for l := range 3 {
		var m float32
		for _, v := range ws[l] {
			m = max(m, v, -v)
		}
		sw := m / 127
		q := make([]byte, len(ws[l]))
		for i, v := range ws[l] {
			q[i] = byte(int8(math.Round(float64(v / sw))))
		}
		bq := make([]int32, len(bs[l]))
		for i, v := range bs[l] {
			bq[i] = int32(math.Round(float64(v / (sx * sw))))
		}
		p := func(s string) string { return fmt.Sprintf("%s%d", s, l) }
		g.init(tensor(p("wq"), tInt8, q, int64(widths[l+1]), int64(widths[l])))
		g.init(tensor(p("ws"), tFloat, f32Raw(sw)))
		g.init(tensor(p("wz"), tInt8, []byte{0}))
		g.init(tensor(p("bq"), tInt32, i32Raw(bq...), int64(widths[l+1])))
		g.init(tensor(p("bs"), tFloat, f32Raw(sx*sw)))
		g.init(tensor(p("bz"), tInt32, i32Raw(0)))
		g.add(node("DequantizeLinear", []string{p("wq"), p("ws"), p("wz")}, p("w")))
		g.add(node("DequantizeLinear", []string{p("bq"), p("bs"), p("bz")}, p("b")))
		g.add(node("Gemm", []string{x, p("w"), p("b")}, p("gemm"), intAttr("transB", 1)))
		if l == 2 {
			g.add(node("Sigmoid", []string{p("gemm")}, "y"))
			break
		}
		g.add(node("Relu", []string{p("gemm")}, p("relu")))
		sx = actScale[l+1]
		g.init(tensor(p("s_h"), tFloat, f32Raw(sx)))
		g.init(tensor(p("z_h"), tUint8, []byte{actZero[l+1]}))
		g.add(node("QuantizeLinear", []string{p("relu"), p("s_h"), p("z_h")}, p("hq")))
		g.add(node("DequantizeLinear", []string{p("hq"), p("s_h"), p("z_h")}, p("hd")))
		x = p("hd")
	}
	return g.model("mlp_qdq", 128, 1)
}
