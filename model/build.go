package model

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// buildModel turns verified metadata and tensors into a Model, checking
// that the architecture, tensor shapes, preprocessing and feature names
// agree.
func buildModel(meta map[string]string, tensors []tensor) (*Model, error) {
	spec, err := decodeSpec(meta)
	if err != nil {
		return nil, err
	}
	var pm preprocessingMeta
	if err := strictUnmarshal([]byte(meta["preprocessing"]), &pm); err != nil {
		return nil, fmt.Errorf("preprocessing: %w", err)
	}
	if meta["format_version"] == "1" {
		for _, c := range pm.Columns {
			if c.hasV2Fields() {
				return nil, fmt.Errorf("preprocessing: column %q has fields of format version 2 in a version 1 file", c.Name)
			}
		}
	}
	pre, err := NewPreprocessor(pm.Columns)
	if err != nil {
		return nil, err
	}
	if err := checkFeatureNames(meta, pre); err != nil {
		return nil, err
	}
	layers, err := decodeLayers(meta["architecture"], tensors)
	if err != nil {
		return nil, err
	}
	m, err := New(spec, pre, layers)
	if err != nil {
		return nil, err
	}
	return withCalibration(m, meta)
}

func decodeSpec(meta map[string]string) (Spec, error) {
	spec := Spec{Task: Task(meta["task"])}
	if err := strictUnmarshal([]byte(meta["labels"]), &spec.Labels); err != nil {
		return spec, fmt.Errorf("labels: %w", err)
	}
	if err := strictUnmarshal([]byte(meta["lineage"]), &spec.Lineage); err != nil {
		return spec, fmt.Errorf("lineage: %w", err)
	}
	var t targetMeta
	if err := strictUnmarshal([]byte(meta["target"]), &t); err != nil {
		return spec, fmt.Errorf("target: %w", err)
	}
	spec.TargetMean, spec.TargetStd = t.Mean, t.Std
	if spec.Task == TaskRegression && spec.TargetStd == 0 {
		return spec, fmt.Errorf("regression target std is 0")
	}
	return spec, nil
}

// decodeLayers builds the layers the architecture lists from exactly the
// tensors it names.
func decodeLayers(archJSON string, tensors []tensor) ([]Layer, error) {
	var arch []layerArch
	if err := strictUnmarshal([]byte(archJSON), &arch); err != nil {
		return nil, fmt.Errorf("architecture: %w", err)
	}
	byName := make(map[string]tensor, len(tensors))
	for _, t := range tensors {
		byName[t.name] = t
	}
	layers := make([]Layer, 0, len(arch))
	used := 0
	for i, a := range arch {
		if a.Type != "dense" || a.Storage != "" || a.InputScale != 0 || a.InputZero != 0 {
			l, n, err := decodeLayerExt(i, a, byName)
			if err != nil {
				return nil, err
			}
			layers, used = append(layers, l), used+n
			continue
		}
		w, err := f32Values(byName, fmt.Sprintf("layers.%d.weight", i), int64(a.Out), int64(a.In))
		if err != nil {
			return nil, err
		}
		b, err := f32Values(byName, fmt.Sprintf("layers.%d.bias", i), int64(a.Out))
		if err != nil {
			return nil, err
		}
		used += 2
		d, err := NewDense(a.In, a.Out, w, b, a.Activation)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i, err)
		}
		layers = append(layers, d)
	}
	if used != len(tensors) {
		return nil, fmt.Errorf("%d tensors, architecture uses %d", len(tensors), used)
	}
	return layers, nil
}

// f32Values decodes the named F32 tensor, which must have the given shape.
func f32Values(byName map[string]tensor, name string, shape ...int64) ([]float32, error) {
	t, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("tensor %q missing", name)
	}
	if t.info.Dtype != "F32" || !slices.Equal(t.info.Shape, shape) {
		return nil, fmt.Errorf("tensor %q: %s %v, want F32 %v", name, t.info.Dtype, t.info.Shape, shape)
	}
	v := make([]float32, len(t.data)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.data[4*i:]))
	}
	return v, nil
}
