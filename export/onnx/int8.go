package onnx

import (
	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
	"github.com/refit-ml/refit/model"
)

// refit's int8 layers quantize their input to 7-bit codes,
// code = roundeven(min(max(x·(1/scale) + zero, 0), 127)), and their
// weights symmetrically per output channel, W[o][k] = Q[o][k]·wscale[o];
// the output is float32(Σ code·Q − zero·Σ Q)·(scale·wscale[o]) + b[o]. In
// the graph the codes are computed with the same float32 operations (Mul,
// Add, Clip) and rounded to uint8 by a QuantizeLinear with scale 1 and
// zero point 0, so they are refit's codes bit for bit.

// staticLayer is an int8 layer with a fixed input scale and zero point,
// in QDQ form: the codes, DequantizeLinear with the layer's scale and
// zero point; the weights as int8 Q [out][in] with DequantizeLinear along
// axis 0 (one scale per output channel, zero point 0); Gemm (transB=1)
// without bias, then Add of the float bias (an int32 bias would round it)
// and the activation, a relu as Max(y, 0). ONNX Runtime fuses the two
// DequantizeLinear and the Gemm into QGemm, its int8 kernel, with float
// output. (It takes a Relu right after a QDQ Gemm for a clip that a
// QuantizeLinear must follow, and without one leaves the Gemm unfused:
// hence Max.)
func staticLayer(b *builder, h string, x string, l *model.Int8Dense) (string, error) {
	in, out := l.In(), l.Out()
	o := l.Options()
	codes := inputCodes(b, h, x, b.f32(h+"/x_inv_scale", scalar, 1/o.InputScale), b.f32(h+"/x_zero", scalar, o.InputZero))
	xd := b.op("DequantizeLinear", h+"/x_dq", []string{codes, b.f32(h+"/x_scale", scalar, o.InputScale),
		b.u8(h+"/x_zero_point", scalar, uint8(o.InputZero))})
	wq := b.i8(h+"/weight_q", []int64{int64(out), int64(in)}, l.Quantized())
	ws := b.f32(h+"/weight_scale", []int64{int64(out)}, l.Scales()...)
	wz := b.i8(h+"/weight_zero_point", []int64{int64(out)}, make([]int8, out))
	wd := b.op("DequantizeLinear", h+"/weight_dq", []string{wq, ws, wz}, attrInt("axis", 0))
	y := b.op("Gemm", h+"/gemm", []string{xd, wd}, attrInt("transB", 1))
	y = b.op("Add", h+"/bias", []string{y, b.f32(h+"/bias", []int64{int64(out)}, l.Bias()...)})
	return int8Activation(b, h, y, l.Activation())
}

func int8Activation(b *builder, h, y string, act model.Activation) (string, error) {
	if act == model.ReLU {
		return b.op("Max", h+"/relu", []string{y, b.f32("zero", scalar, 0)}), nil
	}
	return activation(b, h, y, act)
}

// inputCodes is refit's input quantization, roundeven(min(max(x·inv +
// zero, 0), 127)), as uint8: the clamped float32 value quantized with
// scale 1 and zero point 0. inv and zero broadcast against x.
func inputCodes(b *builder, h, x, inv, zero string) string {
	v := b.op("Add", h+"/x_codes", []string{b.op("Mul", h+"/x_codes", []string{x, inv}), zero})
	v = b.op("Clip", h+"/x_codes", []string{v, b.f32("c", scalar, 0), b.f32("c", scalar, 127)})
	return b.op("QuantizeLinear", h+"/x_q", []string{v, b.f32("c", scalar, 1), b.u8("c", scalar, 0)})
}

// dynamicLayer is an int8 layer that takes its input scale and zero point
// from the range of each block of model.BlockRows rows, as refit does
// (see blockParams). Their values are not constants, so no QDQ form
// fuses; the graph computes refit's output formula instead: MatMulInteger
// of the uint8 codes and the int8 weights Qᵀ [in][out] (ONNX Runtime's
// int8 kernel), minus zero·Σ Q in int32, cast to float32, times
// scale·wscale[o], plus the bias: the same integer sums and the same
// float32 operations as refit, so the same bits.
func dynamicLayer(b *builder, h string, x string, l *model.Int8Dense) (string, error) {
	in, out := l.In(), l.Out()
	scale, zero := blockParams(b, h, x)
	// Reciprocal, not Div(1, scale): ONNX Runtime rewrites Mul(x, Div(1,
	// s)) as Div(x, s), which rounds differently from refit's x·(1/s).
	inv := b.op("Reciprocal", h+"/x_inv_scale", []string{scale})
	codes := inputCodes(b, h, x, inv, zero)
	q := l.Quantized()
	qt := make([]int8, len(q))
	wsum := make([]int64, out)
	for o := range out {
		for k := range in {
			qt[k*out+o] = q[o*in+k]
			wsum[o] += int64(q[o*in+k])
		}
	}
	acc := b.op("MatMulInteger", h+"/matmul", []string{codes, b.i8(h+"/weight_q", []int64{int64(in), int64(out)}, qt)})
	ws32 := make([]int32, out)
	for o, v := range wsum {
		ws32[o] = int32(v)
	}
	corr := b.op("Mul", h+"/zero_correction", []string{cast(b, zero, pb.TensorProto_INT32), b.i32(h+"/weight_sum", []int64{1, int64(out)}, ws32)})
	y := cast(b, b.op("Sub", h+"/sums", []string{acc, corr}), pb.TensorProto_FLOAT)
	s := b.op("Mul", h+"/out_scale", []string{scale, b.f32(h+"/weight_scale", []int64{1, int64(out)}, l.Scales()...)})
	y = b.op("Mul", h+"/dequantized", []string{y, s})
	y = b.op("Add", h+"/bias", []string{y, b.f32(h+"/bias", []int64{int64(out)}, l.Bias()...)})
	return int8Activation(b, h, y, l.Activation())
}

// blockParams returns refit's dynamic input quantization of the [N, in]
// tensor x as [N, 1] float32 tensors scale and zero, each row's from its
// block of model.BlockRows rows: lo = min(min x, 0), hi = max(max x, 0),
// scale = (hi−lo)/127 (1 with zero 0 if that is not positive and finite),
// zero = clamp(roundeven(−lo/scale), 0, 127). The row minima and maxima
// are padded to whole blocks by repeating the last (which leaves the last
// block's range alone), reduced per block, and gathered back by each
// row's block number.
func blockParams(b *builder, h, x string) (scale, zero string) {
	rows := int64(model.BlockRows)
	f := func(v float32) string { return b.f32("c", scalar, v) }
	i := func(v ...int64) string { return b.i64("c", []int64{int64(len(v))}, v...) }
	op := func(o string, in ...string) string { return b.op(o, h+"/x_range", in) }
	pads, block := blockIndex(b, x)
	perBlock := func(reduce string) string {
		r := b.op(reduce, h+"/row_range", []string{x}, attrInts("axes", 1), attrInt("keepdims", 0))
		r = b.op("Pad", h+"/row_range", []string{r, pads}, attrString("mode", "edge"))
		return b.op(reduce, h+"/block_range", []string{op("Reshape", r, i(-1, rows))}, attrInts("axes", 1), attrInt("keepdims", 0))
	}
	lo := op("Min", perBlock("ReduceMin"), f(0))
	hi := op("Max", perBlock("ReduceMax"), f(0))
	s := op("Div", op("Sub", hi, lo), f(127))
	ok := op("And", op("Greater", s, f(0)), op("Not", op("IsInf", s)))
	s = op("Where", ok, s, f(1))
	z := op("Where", ok, op("Clip", op("Round", op("Div", op("Neg", lo), s)), f(0), f(127)), f(0))
	return b.op("Gather", h+"/row_scale", []string{s, block}), b.op("Gather", h+"/row_zero", []string{z, block})
}

// blockIndex returns, for the [N, …] tensor x, the Pad pads that bring
// N to whole blocks of model.BlockRows rows and each row's block number
// [N, 1]. Every layer has the same N: the first call builds them from x,
// later ones reuse them.
func blockIndex(b *builder, x string) (pads, block string) {
	if pads, ok := b.cache["block_pads"]; ok {
		return pads, b.cache["block_index"]
	}
	rows := int64(model.BlockRows)
	i := func(v ...int64) string { return b.i64("c", []int64{int64(len(v))}, v...) }
	op := func(o string, in ...string) string { return b.op(o, "blocks", in) }
	n := b.op("Shape", "rows", []string{x}, attrInt("start", 0), attrInt("end", 1))
	pad := op("Mod", op("Sub", i(rows), op("Mod", n, i(rows))), i(rows))
	pads = b.op("Concat", "pads", []string{i(0), pad}, attrInt("axis", 0))
	count := b.op("Reshape", "rows", []string{n, b.i64("scalar_shape", []int64{0})}) // [1] to a scalar
	rowNumbers := b.op("Range", "row_numbers", []string{b.i64("c", scalar, 0), count, b.i64("c", scalar, 1)})
	block = op("Reshape", op("Div", rowNumbers, b.i64("c", scalar, rows)), i(-1, 1))
	b.cache["block_pads"], b.cache["block_index"] = pads, block
	return pads, block
}
