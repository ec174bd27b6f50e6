package onnx

import (
	"fmt"

	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
	"github.com/refit-ml/refit/model"
)

// layer adds layer i after the [N, In] float tensor x and returns its [N,
// Out] output.
func layer(b *builder, i int, l model.Layer, x string) (string, error) {
	h := fmt.Sprintf("layer%d", i)
	switch l := l.(type) {
	case *model.Dense:
		return activation(b, h, gemm(b, h, x, l.In(), l.Out(), l.Weights(), l.Bias()), l.Activation())
	case *model.Sparse:
		// The pruned zeros are stored as zeros: ONNX Runtime has no
		// sparse kernel for this shape, and a dense Gemm is what it runs
		// fastest.
		return activation(b, h, gemm(b, h, x, l.In(), l.Out(), l.Weights(), l.Bias()), l.Activation())
	case *model.Int8Dense:
		return int8Layer(b, h, x, l)
	}
	return "", fmt.Errorf("%w: layer %d has type %T", ErrUnsupported, i, l)
}

// gemm is Gemm(x, W, b, transB=1) with W row-major [out][in], refit's
// layout.
func gemm(b *builder, h, x string, in, out int, w, bias []float32) string {
	wt := b.f32(h+"/weight", []int64{int64(out), int64(in)}, w...)
	bt := b.f32(h+"/bias", []int64{int64(out)}, bias...)
	return b.op("Gemm", h+"/gemm", []string{x, wt, bt}, attrInt("transB", 1))
}

func activation(b *builder, h, x string, act model.Activation) (string, error) {
	switch act {
	case model.Identity:
		return x, nil
	case model.ReLU:
		return b.op("Relu", h+"/relu", []string{x}), nil
	case model.Tanh:
		return b.op("Tanh", h+"/tanh", []string{x}), nil
	case model.Sigmoid:
		return b.op("Sigmoid", h+"/sigmoid", []string{x}), nil
	case model.Softmax:
		return b.op("Softmax", h+"/softmax", []string{x}, attrInt("axis", -1)), nil
	}
	return "", fmt.Errorf("%w: activation %q", ErrUnsupported, act)
}

// int8Layer is the QDQ form of an int8 layer. refit quantizes the layer's
// input to 7-bit codes, code = roundeven(min(max(x·(1/scale) + zero, 0),
// 127)), and its weights symmetrically per output channel, W =
// Q·scale[o]. In the graph the codes are computed with the same float32
// operations (Mul, Add, Clip) and QuantizeLinear with scale 1 and zero
// point 0 rounds them to uint8, so they are refit's codes bit for bit;
// DequantizeLinear with the layer's scale and zero point gives the
// Gemm's input. The weights are int8 Q [out][in] with DequantizeLinear
// along axis 0 (one scale per output channel, zero point 0); Gemm
// (transB=1) without bias, then Add of the float bias (an int32 bias
// would round it) and the activation, a relu as Max(y, 0).
//
// ONNX Runtime fuses the DequantizeLinear pair and the Gemm of a static
// layer into QGemm, its int8 kernel, with float output. Dynamic layers
// take the scale and zero point from the range of each block of
// model.BlockRows rows, as refit does (see blockQDQ); their scales are
// not constants, so ONNX Runtime runs their Gemm in float32 on the
// dequantized values.
func int8Layer(b *builder, h string, x string, l *model.Int8Dense) (string, error) {
	in, out := l.In(), l.Out()
	var xd string
	if o := l.Options(); o.InputScale != 0 {
		codes := inputCodes(b, h, x, b.f32(h+"/x_inv_scale", scalar, 1/o.InputScale), b.f32(h+"/x_zero", scalar, o.InputZero))
		scale := b.f32(h+"/x_scale", scalar, o.InputScale)
		xd = b.op("DequantizeLinear", h+"/x_dq", []string{codes, scale, b.u8(h+"/x_zero_point", scalar, uint8(o.InputZero))})
	} else {
		xd = blockQDQ(b, h, x, in)
	}
	wq := b.i8(h+"/weight_q", []int64{int64(out), int64(in)}, l.Quantized())
	ws := b.f32(h+"/weight_scale", []int64{int64(out)}, l.Scales()...)
	wz := b.i8(h+"/weight_zero_point", []int64{int64(out)}, make([]int8, out))
	wd := b.op("DequantizeLinear", h+"/weight_dq", []string{wq, ws, wz}, attrInt("axis", 0))
	y := b.op("Gemm", h+"/gemm", []string{xd, wd}, attrInt("transB", 1))
	y = b.op("Add", h+"/bias", []string{y, b.f32(h+"/bias", []int64{int64(out)}, l.Bias()...)})
	if l.Activation() == model.ReLU {
		// Max rather than Relu: ONNX Runtime takes a Relu after a QDQ
		// Gemm for a clip that a QuantizeLinear must follow, and without
		// one leaves the Gemm unfused.
		return b.op("Max", h+"/relu", []string{y, b.f32("zero", scalar, 0)}), nil
	}
	return activation(b, h, y, l.Activation())
}

// inputCodes is refit's input quantization, roundeven(min(max(x·inv +
// zero, 0), 127)), as uint8: the clamped float32 value quantized with
// scale 1 and zero point 0.
func inputCodes(b *builder, h, x, inv, zero string) string {
	v := b.op("Add", h+"/x_codes", []string{b.op("Mul", h+"/x_codes", []string{x, inv}), zero})
	v = b.op("Clip", h+"/x_codes", []string{v, b.f32("c", scalar, 0), b.f32("c", scalar, 127)})
	return b.op("QuantizeLinear", h+"/x_q", []string{v, b.f32("c", scalar, 1), b.u8("c", scalar, 0)})
}

// blockQDQ quantizes and dequantizes the [N, in] tensor x as refit's
// dynamic int8 layers do: per block of model.BlockRows rows, lo =
// min(min x, 0), hi = max(max x, 0), scale = (hi−lo)/127 (1 with zero 0
// if that is not positive and finite), zero = clamp(roundeven(−lo/scale),
// 0, 127). x is padded to whole blocks by repeating its last row (which
// leaves the last block's range alone) and reshaped to [blocks,
// BlockRows·in]; the codes use each block's scale and zero point, and
// DequantizeLinear along axis 0 restores the values, which are cut back
// to N rows. ONNX Runtime runs the MatMul after it in float32.
func blockQDQ(b *builder, h, x string, in int) string {
	rows := int64(model.BlockRows)
	f := func(v float32) string { return b.f32("c", scalar, v) }
	i := func(v ...int64) string { return b.i64("c", []int64{int64(len(v))}, v...) }
	op := func(o string, in ...string) string { return b.op(o, h+"/x_blocks", in) }
	n := b.op("Shape", h+"/rows", []string{x}, attrInt("start", 0), attrInt("end", 1))
	pad := op("Mod", op("Sub", i(rows), op("Mod", n, i(rows))), i(rows))
	pads := b.op("Concat", h+"/x_pads", []string{i(0, 0), pad, i(0)}, attrInt("axis", 0))
	xp := b.op("Pad", h+"/x_pad", []string{x, pads}, attrString("mode", "edge"))
	xb := op("Reshape", xp, i(-1, rows*int64(in)))
	lo := op("Min", b.op("ReduceMin", h+"/x_min", []string{xb}, attrInts("axes", 1), attrInt("keepdims", 0)), f(0))
	hi := op("Max", b.op("ReduceMax", h+"/x_max", []string{xb}, attrInts("axes", 1), attrInt("keepdims", 0)), f(0))
	s := op("Div", op("Sub", hi, lo), f(127))
	ok := op("And", op("Greater", s, f(0)), op("Not", op("IsInf", s)))
	scale := op("Where", ok, s, f(1))
	zero := op("Where", ok, op("Clip", op("Round", op("Div", op("Neg", lo), scale)), f(0), f(127)), f(0))
	column := i(-1, 1)
	codes := inputCodes(b, h, xb, op("Reshape", op("Div", f(1), scale), column), op("Reshape", zero, column))
	xd := b.op("DequantizeLinear", h+"/x_dq", []string{codes, scale, cast(b, zero, pb.TensorProto_UINT8)}, attrInt("axis", 0))
	xd = op("Reshape", xd, i(-1, int64(in)))
	return b.op("Slice", h+"/x_rows", []string{xd, i(0), n, i(0)})
}

// outputs adds the graph's outputs. Classifiers: "probabilities" [N,
// classes] in the order of the model's labels (binary: 1−p, p) and
// "label" [N], the class name (binary: the positive class where p ≥ 0.5,
// as refit predict; multiclass: the most probable, ties to the first).
// Regression: "prediction" [N, 1], de-standardized.
func outputs(b *builder, m *model.Model, y string) {
	spec := m.Spec()
	switch spec.Task {
	case model.TaskBinary:
		b.node("", "Concat", "probabilities", []string{b.op("Sub", "negative", []string{b.f32("one", scalar, 1), y}), y},
			[]string{"probabilities"}, attrInt("axis", 1))
		pos := b.op("GreaterOrEqual", "positive", []string{y, b.f32("half", scalar, 0.5)})
		idx := b.op("Reshape", "positive", []string{cast(b, pos, pb.TensorProto_INT64), b.i64("flat", []int64{1}, -1)})
		labelOutput(b, idx, spec.Labels)
	case model.TaskMulticlass:
		b.node("", "Identity", "probabilities", []string{y}, []string{"probabilities"})
		labelOutput(b, b.op("ArgMax", "class", []string{y}, attrInt("axis", 1), attrInt("keepdims", 0)), spec.Labels)
	default:
		v := b.op("Mul", "prediction", []string{y, b.f32("target_std", scalar, float32(spec.TargetStd))})
		b.node("", "Add", "prediction", []string{v, b.f32("target_mean", scalar, float32(spec.TargetMean))}, []string{"prediction"})
		b.g.Output = append(b.g.Output, valueInfo("prediction", "the predicted value", pb.TensorProto_FLOAT, -1, 1))
		return
	}
	n := int64(len(spec.Labels))
	b.g.Output = append(b.g.Output,
		valueInfo("probabilities", "the probability of each class, in the order of metadata refit.labels", pb.TensorProto_FLOAT, -1, n),
		valueInfo("label", "the predicted class", pb.TensorProto_STRING, -1))
}

// labelOutput maps class indices [N] to their names as output "label".
func labelOutput(b *builder, idx string, labels []string) {
	b.node(domainML, "LabelEncoder", "label", []string{idx}, []string{"label"},
		attrInts("keys_int64s", iota64(0, int64(len(labels)))...), attrStrings("values_strings", labels),
		attrString("default_string", ""))
}
