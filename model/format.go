package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Format constants of the safetensors file.
const (
	formatName = "refit.model"
	// formatVersion is the version Encode writes. Version 2 added the
	// one-hot calendar encoding and the training ranges of the columns
	// (Column.Calendar, Range, Rare, Complete); version 3 drops the
	// "features" entry, the expanded feature names, which the
	// preprocessing derives (482 names, 7.5 KB, on the flights model).
	// Decode also reads versions 1 and 2 (whose "features" must match the
	// preprocessing); version 1's time and date columns keep their sin/cos
	// encoding.
	formatVersion = "3"
	// maxHeader bounds the JSON header, checked before allocating it.
	maxHeader = 16 << 20
	// maxData bounds the tensor bytes Decode reads.
	maxData = 4 << 30
	// checksumKey is the metadata entry with the SHA-256 of the model.
	checksumKey = "refit.sha256"
)

// The metadata keys, all required; no others are accepted but
// optionalMetaKeys.
var metaKeys = []string{"architecture", "format", "format_version",
	"labels", "lineage", "preprocessing", "target", "task", checksumKey}

// featuresKey is the metadata entry of the expanded feature names, which
// versions 1 and 2 require and version 3 leaves out (see
// checkFeatureNames).
const featuresKey = "features"

// requiredKeys is metaKeys for a file of format version v.
func requiredKeys(v string) []string {
	if v == "1" || v == "2" {
		return append(slices.Clone(metaKeys), featuresKey)
	}
	return metaKeys
}

// checkFeatureNames checks a version 1 or 2 file's "features" entry
// against the names its preprocessing derives; version 3 has none.
func checkFeatureNames(meta map[string]string, pre *Preprocessor) error {
	raw, ok := meta[featuresKey]
	if !ok {
		return nil
	}
	var features []string
	if err := strictUnmarshal([]byte(raw), &features); err != nil {
		return fmt.Errorf("features: %w", err)
	}
	if !slices.Equal(features, pre.names) {
		return fmt.Errorf("feature names do not match the preprocessing")
	}
	return nil
}

// optionalMetaKeys may be present in any version; files without them load
// as before (see calibration.go).
var optionalMetaKeys = []string{calibrationKey}

// tensorInfo is one entry of the safetensors header.
type tensorInfo struct {
	Dtype   string   `json:"dtype"`
	Shape   []int64  `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// layerArch is one entry of the "architecture" metadata.
type layerArch struct {
	Type       string     `json:"type"`
	In         int        `json:"in"`
	Out        int        `json:"out"`
	Activation Activation `json:"activation"`
	// Storage, InputScale and InputZero are for sparse and int8 layers
	// (see sparse_format.go).
	Storage    string  `json:"storage,omitempty"`
	InputScale float32 `json:"input_scale,omitempty"`
	InputZero  float32 `json:"input_zero,omitempty"`
}

type targetMeta struct {
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

type preprocessingMeta struct {
	Columns []Column `json:"columns"`
}

// tensor is a named tensor with its raw little-endian bytes.
type tensor struct {
	name string
	info tensorInfo
	data []byte
}

// Encode writes m in the safetensors format: an 8-byte little-endian
// header length, a JSON header (space-padded to a multiple of 8 bytes)
// with the tensor table and string metadata, then the tensor bytes. The
// output depends only on m: the same model gives the same bytes.
func (m *Model) Encode(w io.Writer) error {
	tensors, arch, err := m.tensors()
	if err != nil {
		return fmt.Errorf("model: encoding: %w", err)
	}
	meta, err := m.metadata(arch)
	if err != nil {
		return fmt.Errorf("model: encoding metadata: %w", err)
	}
	var data []byte
	for i := range tensors {
		tensors[i].info.Offsets = [2]int64{int64(len(data)), int64(len(data) + len(tensors[i].data))}
		data = append(data, tensors[i].data...)
	}
	meta[checksumKey] = digest(meta, tensors, data)
	header, err := encodeHeader(meta, tensors)
	if err != nil {
		return fmt.Errorf("model: encoding header: %w", err)
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	for _, b := range [][]byte{n[:], header, data} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("model: writing: %w", err)
		}
	}
	return nil
}

// TensorBytes is the size of the tensor data Encode writes (weights,
// biases, scales, sparsity masks): the file less its 8-byte length and
// its JSON header of metadata and tensor table.
func (m *Model) TensorBytes() (int64, error) {
	ts, _, err := m.tensors()
	if err != nil {
		return 0, fmt.Errorf("model: encoding: %w", err)
	}
	var n int64
	for _, t := range ts {
		n += int64(len(t.data))
	}
	return n, nil
}

// tensors lists the layers' tensors ("layers.<i>.weight", "layers.<i>.bias")
// and architecture entries, in layer order.
func (m *Model) tensors() ([]tensor, []layerArch, error) {
	var ts []tensor
	var arch []layerArch
	for i, l := range m.layers {
		d, ok := l.(*Dense)
		if !ok {
			a, lt, err := encodeLayerExt(i, l)
			if err != nil {
				return nil, nil, err
			}
			arch, ts = append(arch, a), append(ts, lt...)
			continue
		}
		arch = append(arch, layerArch{Type: "dense", In: d.in, Out: d.out, Activation: d.act})
		ts = append(ts,
			f32Tensor(fmt.Sprintf("layers.%d.weight", i), d.w, int64(d.out), int64(d.in)),
			f32Tensor(fmt.Sprintf("layers.%d.bias", i), d.b, int64(d.out)))
	}
	return ts, arch, nil
}

func f32Tensor(name string, v []float32, shape ...int64) tensor {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return tensor{name: name, info: tensorInfo{Dtype: "F32", Shape: shape}, data: b}
}

func (m *Model) metadata(arch []layerArch) (map[string]string, error) {
	meta := map[string]string{
		"format":         formatName,
		"format_version": formatVersion,
		"task":           string(m.spec.Task),
	}
	values := map[string]any{
		"architecture":  arch,
		"labels":        nonNil(m.spec.Labels),
		"lineage":       m.spec.Lineage,
		"preprocessing": preprocessingMeta{Columns: m.pre.cols},
		"target":        targetMeta{Mean: m.spec.TargetMean, Std: m.spec.TargetStd},
	}
	for k, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		meta[k] = string(b)
	}
	if err := m.encodeCalibration(meta); err != nil {
		return nil, err
	}
	return meta, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func encodeHeader(meta map[string]string, tensors []tensor) ([]byte, error) {
	h := make(map[string]any, len(tensors)+1)
	h["__metadata__"] = meta
	for _, t := range tensors {
		h[t.name] = t.info
	}
	b, err := json.Marshal(h) // map keys are sorted: deterministic
	if err != nil {
		return nil, err
	}
	for (8+len(b))%8 != 0 {
		b = append(b, ' ')
	}
	return b, nil
}

// digest is the hex SHA-256 over every metadata entry but the checksum
// itself, the tensor table and the tensor bytes, each length-prefixed.
func digest(meta map[string]string, tensors []tensor, data []byte) string {
	h := sha256.New()
	writeField(h, "refit.sha256/v1")
	keys := make([]string, 0, len(meta))
	for k := range meta {
		if k != checksumKey {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		writeField(h, k)
		writeField(h, meta[k])
	}
	ts := slices.Clone(tensors)
	slices.SortFunc(ts, func(a, b tensor) int { return strings.Compare(a.name, b.name) })
	for _, t := range ts {
		writeField(h, t.name)
		writeField(h, t.info.Dtype)
		for _, d := range t.info.Shape {
			writeField(h, strconv.FormatInt(d, 10))
		}
		writeField(h, fmt.Sprintf("%d:%d", t.info.Offsets[0], t.info.Offsets[1]))
	}
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, s string) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	io.WriteString(h, s)
}

// Decode reads a model written by Encode, verifying its structure and the
// embedded checksum. Malformed input gives an error wrapping ErrCorrupt
// (and also ErrChecksum for a checksum mismatch); it never panics.
func Decode(r io.Reader) (*Model, error) {
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, corrupt("reading header length", err)
	}
	size := binary.LittleEndian.Uint64(n[:])
	if size > maxHeader {
		return nil, corrupt("decoding header", fmt.Errorf("header length %d exceeds %d", size, maxHeader))
	}
	header := make([]byte, size)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, corrupt("reading header", err)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxData+1))
	if err != nil {
		return nil, fmt.Errorf("model: reading tensor data: %w", err)
	}
	if len(data) > maxData {
		return nil, corrupt("reading tensor data", fmt.Errorf("more than %d bytes", maxData))
	}
	return decode(header, data, true)
}

// DecodeBytes decodes a model from b, like Decode, without copying: the
// header length is checked against len(b) before anything is allocated.
// The model does not keep references to b.
func DecodeBytes(b []byte) (*Model, error) {
	if len(b) < 8 {
		return nil, corrupt("reading header length", io.ErrUnexpectedEOF)
	}
	size := binary.LittleEndian.Uint64(b)
	if size > maxHeader || size > uint64(len(b)-8) {
		return nil, corrupt("decoding header", fmt.Errorf("header length %d exceeds %d or the %d bytes after it",
			size, maxHeader, len(b)-8))
	}
	return decode(b[8:8+size], b[8+size:], true)
}

func corrupt(doing string, err error) error {
	return fmt.Errorf("model: %s: %w: %w", doing, ErrCorrupt, err)
}

// decode builds a model from the header and tensor bytes. Only the fuzz
// test passes verify=false, to reach the checks behind the checksum.
func decode(header, data []byte, verify bool) (*Model, error) {
	meta, tensors, err := parseHeader(header)
	if err != nil {
		return nil, corrupt("decoding header", err)
	}
	if err := checkLayout(tensors, len(data)); err != nil {
		return nil, corrupt("decoding tensor table", err)
	}
	if got := digest(meta, tensors, data); verify && got != meta[checksumKey] {
		return nil, fmt.Errorf("model: verifying %s: %w: %w: computed %s, recorded %q",
			checksumKey, ErrChecksum, ErrCorrupt, got, meta[checksumKey])
	}
	for i := range tensors {
		tensors[i].data = data[tensors[i].info.Offsets[0]:tensors[i].info.Offsets[1]]
	}
	m, err := buildModel(meta, tensors)
	if err != nil {
		return nil, corrupt("decoding model", err)
	}
	return m, nil
}

// parseHeader decodes the header object, rejecting duplicate keys,
// unknown fields and trailing data.
func parseHeader(header []byte) (map[string]string, []tensor, error) {
	var meta map[string]string
	var tensors []tensor
	err := eachObjectField(header, func(key string, raw json.RawMessage) error {
		if key == "__metadata__" {
			var err error
			meta, err = parseMetadata(raw)
			return err
		}
		var info tensorInfo
		if err := strictUnmarshal(raw, &info); err != nil {
			return fmt.Errorf("tensor %q: %w", key, err)
		}
		tensors = append(tensors, tensor{name: key, info: info})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if meta == nil {
		return nil, nil, errors.New("no __metadata__")
	}
	return meta, tensors, nil
}

func parseMetadata(raw json.RawMessage) (map[string]string, error) {
	meta := map[string]string{}
	err := eachObjectField(raw, func(key string, v json.RawMessage) error {
		var s string
		if err := strictUnmarshal(v, &s); err != nil {
			return fmt.Errorf("metadata %q: %w", key, err)
		}
		meta[key] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	v := meta["format_version"]
	if meta["format"] != formatName || (v != "1" && v != "2" && v != formatVersion) {
		return nil, fmt.Errorf("format %q version %q, want %q version 1 to %s (a model written by a newer refit?)",
			meta["format"], v, formatName, formatVersion)
	}
	keys := requiredKeys(v)
	for _, k := range keys {
		if _, ok := meta[k]; !ok {
			return nil, fmt.Errorf("metadata %q missing", k)
		}
	}
	optional := 0
	for _, k := range optionalMetaKeys {
		if _, ok := meta[k]; ok {
			optional++
		}
	}
	if len(meta) != len(keys)+optional {
		return nil, fmt.Errorf("metadata has %d entries, want exactly %q and optionally %q (format version %s)", len(meta), keys, optionalMetaKeys, v)
	}
	return meta, nil
}

// eachObjectField calls fn for each member of the JSON object in b, in
// order, and fails on duplicate keys or anything after the object but
// whitespace.
func eachObjectField(b []byte, fn func(key string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("want a JSON object (%v)", err)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("key %q: %w", key, err)
		}
		if err := fn(key, raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	return noTrailing(dec)
}

// strictUnmarshal decodes one JSON value into v, rejecting unknown fields
// and trailing data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return noTrailing(dec)
}

func noTrailing(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// checkLayout checks each tensor's dtype and shape against its byte range
// and that the ranges tile the data exactly, without gaps or overlaps.
func checkLayout(tensors []tensor, size int) error {
	sorted := slices.Clone(tensors)
	slices.SortFunc(sorted, func(a, b tensor) int {
		return int(max(-1, min(1, a.info.Offsets[0]-b.info.Offsets[0])))
	})
	var end int64
	for _, t := range sorted {
		width, ok := dtypeSize(t.info.Dtype)
		if !ok {
			return fmt.Errorf("tensor %q: unsupported dtype %q", t.name, t.info.Dtype)
		}
		n, err := elements(t.info.Shape)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", t.name, err)
		}
		b, e := t.info.Offsets[0], t.info.Offsets[1]
		if b != end || e < b || e > int64(size) || e-b != width*n {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] do not fit shape %v of %s after offset %d in %d bytes",
				t.name, b, e, t.info.Shape, t.info.Dtype, end, size)
		}
		end = e
	}
	if end != int64(size) {
		return fmt.Errorf("tensors cover %d of %d data bytes", end, size)
	}
	return nil
}

// elements is the product of the dimensions, with overflow checks.
func elements(shape []int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > maxData/d) {
			return 0, fmt.Errorf("bad shape %v", shape)
		}
		n *= d
	}
	return n, nil
}
