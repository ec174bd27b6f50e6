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
		// The pruned zeros stay zeros in a dense Gemm: ONNX Runtime's CPU
		// Gemm has no sparse path (it densifies sparse initializers when
		// the session loads).
		return activation(b, h, gemm(b, h, x, l.In(), l.Out(), l.Weights(), l.Bias()), l.Activation())
	case *model.Int8Dense:
		if l.Options().InputScale == 0 {
			return dynamicLayer(b, h, x, l)
		}
		return staticLayer(b, h, x, l)
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
