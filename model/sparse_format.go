package model

import (
	"fmt"
	"slices"
)

// Encoding of the sparse and int8 layers. A "masked" tensor stores only
// the non-zero weights, in row-major order, with a bit mask
// "layers.<i>.mask" (U8, [out, ceil(in/8)], bit k%8 of byte k/8 of row o
// set when W[o][k] is stored): 1 bit per weight plus the values.
//
//	sparse: mask, weight (F32 [nnz]), bias (F32 [out])
//	int8:   weight (I8 [out, in]), or mask and weight (I8 [nnz]) when
//	        storage is "masked" (chosen when smaller); scale (F32 [out]),
//	        bias (F32 [out]); architecture input_scale and input_zero for
//	        static input quantization.

// storageMasked marks a layer whose weights are stored with a bit mask.
const storageMasked = "masked"

// dtypeSize is the byte size of one element of a safetensors dtype this
// package reads.
func dtypeSize(dtype string) (int64, bool) {
	switch dtype {
	case "F32":
		return 4, true
	case "I8", "U8":
		return 1, true
	}
	return 0, false
}

// maskOf returns the bit mask of the non-zero entries of an [out][in]
// matrix given as nonzero(i).
func maskOf(in, out int, nonzero func(i int) bool) []byte {
	stride := (in + 7) / 8
	m := make([]byte, out*stride)
	for o := range out {
		for k := range in {
			if nonzero(o*in + k) {
				m[o*stride+k/8] |= 1 << (k % 8)
			}
		}
	}
	return m
}

// unmaskIndex returns the row-major indices the mask selects, checking
// that padding bits are clear and that there are want of them.
func unmaskIndex(in, out int, mask []byte, want int) ([]int, error) {
	stride := (in + 7) / 8
	if len(mask) != out*stride {
		return nil, fmt.Errorf("mask has %d bytes, want %d", len(mask), out*stride)
	}
	var idx []int
	for o := range out {
		for j, byt := range mask[o*stride : (o+1)*stride] {
			for bit := range 8 {
				if byt&(1<<bit) == 0 {
					continue
				}
				k := j*8 + bit
				if k >= in {
					return nil, fmt.Errorf("mask row %d: bit %d beyond %d inputs", o, k, in)
				}
				idx = append(idx, o*in+k)
			}
		}
	}
	if len(idx) != want {
		return nil, fmt.Errorf("mask selects %d weights, %d stored", len(idx), want)
	}
	return idx, nil
}

func unmask(in, out int, mask []byte, vals []float32) ([]float32, error) {
	idx, err := unmaskIndex(in, out, mask, len(vals))
	if err != nil {
		return nil, err
	}
	w := make([]float32, in*out)
	for j, i := range idx {
		w[i] = vals[j]
	}
	return w, nil
}

func u8Tensor(name string, v []byte, shape ...int64) tensor {
	return tensor{name: name, info: tensorInfo{Dtype: "U8", Shape: shape}, data: slices.Clone(v)}
}

func i8Tensor(name string, v []int8, shape ...int64) tensor {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return tensor{name: name, info: tensorInfo{Dtype: "I8", Shape: shape}, data: b}
}

// encodeLayerExt encodes the layer types beyond Dense.
func encodeLayerExt(i int, l Layer) (layerArch, []tensor, error) {
	name := func(s string) string { return fmt.Sprintf("layers.%d.%s", i, s) }
	switch l := l.(type) {
	case *Sparse:
		a := layerArch{Type: "sparse", In: l.in, Out: l.out, Activation: l.act, Storage: storageMasked}
		w := l.Weights()
		mask := maskOf(l.in, l.out, func(i int) bool { return w[i] != 0 })
		return a, []tensor{
			u8Tensor(name("mask"), mask, int64(l.out), int64((l.in+7)/8)),
			f32Tensor(name("weight"), l.val, int64(len(l.val))),
			f32Tensor(name("bias"), l.b, int64(l.out)),
		}, nil
	case *Int8Dense:
		a := layerArch{Type: "int8", In: l.in, Out: l.out, Activation: l.act,
			InputScale: l.inScale, InputZero: l.inZero}
		nnz := 0
		for _, v := range l.q {
			if v != 0 {
				nnz++
			}
		}
		var ts []tensor
		if stride := (l.in + 7) / 8; l.out*stride+nnz < len(l.q) {
			a.Storage = storageMasked
			vals := make([]int8, 0, nnz)
			for _, v := range l.q {
				if v != 0 {
					vals = append(vals, v)
				}
			}
			ts = append(ts, u8Tensor(name("mask"), maskOf(l.in, l.out, func(i int) bool { return l.q[i] != 0 }),
				int64(l.out), int64(stride)),
				i8Tensor(name("weight"), vals, int64(nnz)))
		} else {
			ts = append(ts, i8Tensor(name("weight"), l.q, int64(l.out), int64(l.in)))
		}
		ts = append(ts, f32Tensor(name("scale"), l.scale, int64(l.out)),
			f32Tensor(name("bias"), l.b, int64(l.out)))
		return a, ts, nil
	}
	return layerArch{}, nil, fmt.Errorf("layer %d: unsupported layer type %T", i, l)
}

// decodeLayerExt decodes the layer types beyond Dense and returns the
// layer and the number of tensors it used.
func decodeLayerExt(i int, a layerArch, byName map[string]tensor) (Layer, int, error) {
	name := func(s string) string { return fmt.Sprintf("layers.%d.%s", i, s) }
	if a.In <= 0 || a.Out <= 0 || a.In > maxData || a.Out > maxData/a.In {
		return nil, 0, fmt.Errorf("layer %d: bad shape %dx%d", i, a.Out, a.In)
	}
	if a.Type != "int8" && (a.InputScale != 0 || a.InputZero != 0) {
		return nil, 0, fmt.Errorf("layer %d: input quantization on a %s layer", i, a.Type)
	}
	switch {
	case a.Type == "sparse" && a.Storage == storageMasked:
		mask, err := rawValues(byName, name("mask"), "U8", int64(a.Out), int64((a.In+7)/8))
		if err != nil {
			return nil, 0, err
		}
		t, ok := byName[name("weight")]
		if !ok || len(t.info.Shape) != 1 {
			return nil, 0, fmt.Errorf("tensor %q missing or not 1-D", name("weight"))
		}
		vals, err := f32Values(byName, name("weight"), t.info.Shape[0])
		if err != nil {
			return nil, 0, err
		}
		b, err := f32Values(byName, name("bias"), int64(a.Out))
		if err != nil {
			return nil, 0, err
		}
		l, err := sparseFromMask(a.In, a.Out, mask, vals, b, a.Activation)
		if err != nil {
			return nil, 0, fmt.Errorf("layer %d: %w", i, err)
		}
		return l, 3, nil
	case a.Type == "int8" && (a.Storage == "" || a.Storage == storageMasked):
		q, used, err := int8Weights(i, a, byName)
		if err != nil {
			return nil, 0, err
		}
		scale, err := f32Values(byName, name("scale"), int64(a.Out))
		if err != nil {
			return nil, 0, err
		}
		b, err := f32Values(byName, name("bias"), int64(a.Out))
		if err != nil {
			return nil, 0, err
		}
		l, err := NewInt8Dense(a.In, a.Out, q, scale, b, a.Activation,
			Int8Options{InputScale: a.InputScale, InputZero: a.InputZero})
		if err != nil {
			return nil, 0, fmt.Errorf("layer %d: %w", i, err)
		}
		return l, used + 2, nil
	}
	return nil, 0, fmt.Errorf("layer %d: unsupported type %q storage %q", i, a.Type, a.Storage)
}

// int8Weights decodes an int8 layer's weights, plain or masked.
func int8Weights(i int, a layerArch, byName map[string]tensor) ([]int8, int, error) {
	name := func(s string) string { return fmt.Sprintf("layers.%d.%s", i, s) }
	if a.Storage == "" {
		raw, err := rawValues(byName, name("weight"), "I8", int64(a.Out), int64(a.In))
		if err != nil {
			return nil, 0, err
		}
		q := make([]int8, len(raw))
		for j, v := range raw {
			q[j] = int8(v)
		}
		return q, 1, nil
	}
	mask, err := rawValues(byName, name("mask"), "U8", int64(a.Out), int64((a.In+7)/8))
	if err != nil {
		return nil, 0, err
	}
	t, ok := byName[name("weight")]
	if !ok || len(t.info.Shape) != 1 {
		return nil, 0, fmt.Errorf("tensor %q missing or not 1-D", name("weight"))
	}
	raw, err := rawValues(byName, name("weight"), "I8", t.info.Shape[0])
	if err != nil {
		return nil, 0, err
	}
	idx, err := unmaskIndex(a.In, a.Out, mask, len(raw))
	if err != nil {
		return nil, 0, fmt.Errorf("layer %d: %w", i, err)
	}
	q := make([]int8, a.In*a.Out)
	for j, at := range idx {
		if raw[j] == 0 {
			return nil, 0, fmt.Errorf("layer %d: stored zero weight", i)
		}
		q[at] = int8(raw[j])
	}
	return q, 2, nil
}

// rawValues returns the bytes of the named tensor, which must have the
// given dtype and shape.
func rawValues(byName map[string]tensor, name, dtype string, shape ...int64) ([]byte, error) {
	t, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("tensor %q missing", name)
	}
	if t.info.Dtype != dtype || !slices.Equal(t.info.Shape, shape) {
		return nil, fmt.Errorf("tensor %q: %s %v, want %s %v", name, t.info.Dtype, t.info.Shape, dtype, shape)
	}
	return t.data, nil
}
