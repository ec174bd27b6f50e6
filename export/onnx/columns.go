package onnx

import (
	"fmt"
	"math"
	"slices"

	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
	"github.com/refit-ml/refit/model"
)

// encodeColumns adds one graph input per column and the nodes that turn
// it into the column's features, then concatenates the features of all
// columns in model order into one [N, NumFeatures] float tensor, whose
// name it returns.
func encodeColumns(b *builder, cols []model.Column, numeric map[string]InputType) (string, error) {
	var feats []string
	for _, c := range cols {
		var f []string
		var err error
		switch c.Kind {
		case model.KindNumeric:
			f = encodeNumeric(b, c, numeric[c.Name])
		case model.KindCategorical:
			f, err = encodeCategorical(b, c)
		case model.KindTime, model.KindDate:
			f, err = encodeTime(b, c)
		default:
			err = fmt.Errorf("%w: column %q of kind %q", ErrUnsupported, c.Name, c.Kind)
		}
		if err != nil {
			return "", err
		}
		feats = append(feats, f...)
	}
	if len(feats) == 1 {
		return feats[0], nil
	}
	return b.op("Concat", "features", feats, attrInt("axis", 1)), nil
}

// input declares a [N, 1] graph input.
func input(b *builder, name, doc string, elem pb.TensorProto_DataType) {
	b.g.Input = append(b.g.Input, valueInfo(name, doc, elem, -1, 1))
}

func cast(b *builder, x string, to pb.TensorProto_DataType) string {
	return b.op("Cast", "cast", []string{x}, attrInt("to", int64(to)))
}

// encodeNumeric: missing values (NaN or ±Inf, or math.MinInt64 for int64
// inputs) are replaced by the median, then standardized in float64 as
// refit does, (v − mean)·(1/std), and rounded to float32; then the
// optional 0/1 missing indicator.
func encodeNumeric(b *builder, c model.Column, t InputType) []string {
	h := c.Name
	x := c.Name
	var xd, miss string
	switch t {
	case Int64:
		input(b, x, "numeric, int64; missing: -9223372036854775808 (math.MinInt64)", pb.TensorProto_INT64)
		miss = b.op("Equal", h+"/missing", []string{x, b.i64("min_int64", scalar, math.MinInt64)})
		xd = cast(b, x, pb.TensorProto_DOUBLE)
	case Double:
		input(b, x, "numeric, double; missing: NaN or ±Inf", pb.TensorProto_DOUBLE)
		xd = x
	default:
		input(b, x, "numeric, float; missing: NaN or ±Inf", pb.TensorProto_FLOAT)
		xd = cast(b, x, pb.TensorProto_DOUBLE)
	}
	if t != Int64 {
		nan := b.op("IsNaN", h+"/nan", []string{xd})
		inf := b.op("IsInf", h+"/inf", []string{xd})
		miss = b.op("Or", h+"/missing", []string{nan, inf})
	}
	imp := b.op("Where", h+"/imputed", []string{miss, b.f64("median", scalar, c.Median), xd})
	z := b.op("Sub", h+"/centered", []string{imp, b.f64("mean", scalar, c.Mean)})
	z = b.op("Mul", h+"/standardized", []string{z, b.f64("inv_std", scalar, 1/c.Std)})
	feats := []string{cast(b, z, pb.TensorProto_FLOAT)}
	if c.MissingIndicator {
		feats = append(feats, cast(b, miss, pb.TensorProto_FLOAT))
	}
	return feats
}

// encodeCategorical: a LabelEncoder maps the categories to 0…k−1, the
// empty string (missing) to k+1 and every other string to k ("#other");
// the one-hot of that index gives the k+2 features.
func encodeCategorical(b *builder, c model.Column) ([]string, error) {
	if slices.Contains(c.Categories, "") || slices.Contains(c.Rare, "") {
		return nil, fmt.Errorf("%w: column %q: training saw the empty string, which the exported model reads as missing",
			ErrUnsupported, c.Name)
	}
	input(b, c.Name, `categorical, string; missing: "" (the empty string); booleans as "false" and "true"`, pb.TensorProto_STRING)
	k := int64(len(c.Categories))
	keys := append(slices.Clone(c.Categories), "")
	vals := make([]int64, 0, k+1)
	for i := range k {
		vals = append(vals, i)
	}
	vals = append(vals, k+1)
	idx := b.ml("LabelEncoder", c.Name+"/index", []string{c.Name},
		attrStrings("keys_strings", keys), attrInts("values_int64s", vals...), attrInt("default_int64", k))
	return []string{oneHot(b, c.Name+"/onehot", idx, k+2)}, nil
}

// oneHot is the [N, depth] float one-hot of the [N, 1] int64 tensor x,
// whose values are 0…depth: depth encodes as all zeros. It gathers rows
// of a (depth+1)×depth identity matrix (EyeLike of ConstantOfShape, which
// ONNX Runtime folds into a constant when the session loads, so the file
// stays small): a copy per row, much faster in ONNX Runtime than Equal
// with every code or OneHot.
func oneHot(b *builder, hint, x string, depth int64) string {
	key := fmt.Sprint("eye", depth)
	eye, ok := b.cache[key]
	if !ok {
		shape := b.i64("eye_shape", []int64{2}, depth+1, depth)
		zeros := b.op("ConstantOfShape", "eye", []string{shape}, attrTensor("value", &pb.TensorProto{
			DataType: int32(pb.TensorProto_FLOAT), Dims: []int64{1}, RawData: make([]byte, 4)}))
		eye = b.op("EyeLike", "eye", []string{zeros})
		b.cache[key] = eye
	}
	flat := b.op("Reshape", hint, []string{x, b.i64("flat", []int64{1}, -1)})
	return b.op("Gather", hint, []string{eye, flat}, attrInt("axis", 0))
}

// iota64 returns lo, lo+1, …, lo+n−1.
func iota64(lo, n int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = lo + int64(i)
	}
	return out
}
