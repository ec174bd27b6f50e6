package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkFuzzResponse fails on anything but 200 or 400: the decoders must
// turn every body into scores or a bad request, never a 500 or a panic.
func fuzzInfer(f *testing.F, contentType string) func(*testing.T, []byte) {
	cfg, _ := testWorkspace(f, -0.5)
	h := newScoringServer(f, cfg, Options{Scoring: &ScoringOptions{MaxBatchRows: 1000, MaxBodyBytes: 1 << 20}}).Handler()
	return func(t *testing.T, body []byte) {
		rec := do(t, h, "POST", "/v2/models/champion/infer", contentType, body)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("%d %s for %q", rec.Code, rec.Body.String(), body)
		}
		if rec.Code == 400 && !strings.Contains(rec.Body.String(), `"error"`) {
			t.Fatalf("400 without an error message: %s", rec.Body.String())
		}
	}
}

func FuzzInferJSON(f *testing.F) {
	for _, seed := range []string{
		oneRow,
		strings.Replace(oneRow, `[2800]`, `[null]`, 1),
		strings.Replace(oneRow, `"shape":[1]`, `"shape":[1,1]`, 1),
		strings.Replace(oneRow, `[2800]`, `[[2800]]`, 1),
		strings.Replace(oneRow, `"BYTES","data":["2001-06-01T12:00:00"]`, `"INT64","data":[991396800000000]`, 1),
		`{"inputs":[{"name":"distance","shape":[-1],"datatype":"FP64","data":[]}]}`,
		`{"inputs":[{"name":"distance","shape":[1e30],"datatype":"FP64","data":[1e400]}]}`,
		`{"inputs":null}`, `[]`, `{`, ``,
		// bodies the fast parser leaves to encoding/json, and near misses
		strings.Replace(oneRow, `"inputs"`, `"Inputs"`, 1),
		strings.Replace(oneRow, `"id":"r1",`, `"id":"r1","id":"r2",`, 1),
		strings.Replace(oneRow, `"id":"r1"`, `"id":"r\u00e9"`, 1),
		strings.Replace(oneRow, `"id":"r1"`, `"id":7`, 1),
		strings.Replace(oneRow, `"id":"r1",`, `"parameters":{"a":1e400},`, 1),
		strings.Replace(oneRow, `"id":"r1",`, `"parameters":{"a":[1,{"b":null}]},"x":{"y":"\n"},`, 1),
		strings.Replace(oneRow, `"id":"r1",`, `"outputs":[{"name":"label","parameters":{}}],`, 1),
		strings.Replace(oneRow, `"id":"r1",`, `"outputs":[null],`, 1),
		strings.Replace(oneRow, `"shape":[1]`, `"shape":[1.0]`, 1),
		strings.Replace(oneRow, `"shape":[1]`, `"shape":[01]`, 1),
		strings.Replace(oneRow, `"shape":[1]`, `"shape":[1,]`, 1),
		strings.Replace(oneRow, `[2800]`, `[2.8e3]`, 1),
		strings.Replace(oneRow, `[2800]`, `[-0.000000000000000000000000001]`, 1),
		strings.Replace(oneRow, `[2800]`, `[12345678901234567890]`, 1),
		strings.Replace(oneRow, `["ORD"]`, `["O\"RD"]`, 1),
		strings.Replace(oneRow, `["ORD"]`, `[true]`, 1),
		strings.Replace(oneRow, `2001-06-01T12:00:00`, `2001-06-01 12:00:00.123456789`, 1),
		strings.Replace(oneRow, `2001-06-01T12:00:00`, `2001-02-29T12:00:00Z`, 1),
		strings.Replace(oneRow, `2001-06-01T12:00:00`, `2001-06-01T12:00:00+02:00`, 1),
		strings.Replace(oneRow, `2001-06-01T12:00:00`, `2001-06-01`, 1),
		oneRow + ` trailing`,
		strings.Replace(oneRow, `{"name":"distance"`, `null,{"name":"distance"`, 1),
		strings.Replace(oneRow, `"datatype":"FP64"`, `"datatype":"FP64","DATA":[1]`, 1),
	} {
		f.Add([]byte(seed))
	}
	infer := fuzzInfer(f, "application/json")
	f.Fuzz(func(t *testing.T, body []byte) {
		compareDecoders(t, body)
		infer(t, body)
	})
}

// compareDecoders checks the fast parser against encoding/json: a body
// it takes must mean the same to both, and the fast number, time and
// string readers must agree with strconv, time.Parse and encoding/json
// on every value in it.
func compareDecoders(t *testing.T, body []byte) {
	var fast, std rawRequest
	if !parseFast(body, &fast) {
		return
	}
	if err := decodeStd(body, &std); err != nil {
		t.Fatalf("the fast parser took %q, encoding/json refuses it: %v", body, err)
	}
	if got, want := fmt.Sprintf("%q", flatten(&fast)), fmt.Sprintf("%q", flatten(&std)); got != want {
		t.Fatalf("%q:\nfast %s\njson %s", body, got, want)
	}
	for _, in := range fast.inputs {
		vals, _, err := scanValues(in.data, nil, 1<<20)
		if err != nil {
			continue
		}
		for _, v := range vals {
			compareValue(t, v)
		}
	}
}

// flatten lists a request's parts for comparison.
func flatten(r *rawRequest) []string {
	out := []string{string(r.id)}
	for _, in := range r.inputs {
		out = append(out, string(in.name), string(in.datatype), fmt.Sprint(in.shape), string(in.data))
	}
	for _, o := range r.outputs {
		out = append(out, "output "+string(o))
	}
	return out
}

// compareValue checks the fast readers of one value against the
// standard library.
func compareValue(t *testing.T, v value) {
	switch v.kind {
	case 'n':
		if f, ok := parseFloat(v.raw); ok {
			want, err := strconv.ParseFloat(string(v.raw), 64)
			if err != nil || math.Float64bits(f) != math.Float64bits(want) {
				t.Fatalf("parseFloat(%s) = %v, strconv %v %v", v.raw, f, want, err)
			}
		}
		if n, ok := parseInt(v.raw); ok {
			if want, err := strconv.ParseInt(string(v.raw), 10, 64); err != nil || n != want {
				t.Fatalf("parseInt(%s) = %v, strconv %v %v", v.raw, n, want, err)
			}
		}
	case 's':
		var want string
		if err := json.Unmarshal(v.raw, &want); err != nil {
			t.Fatalf("%s: %v", v.raw, err)
		}
		if got := v.appendStr(nil); string(got) != v.str() || (bytes.IndexByte(v.raw, '\\') >= 0 && string(got) != want) {
			t.Fatalf("appendStr(%s) = %q, str %q, encoding/json %q", v.raw, got, v.str(), want)
		}
		compareCivil(t, v.raw[1:len(v.raw)-1])
	}
}

// compareCivil checks parseCivil against time.Parse with the layouts
// the decoder tries.
func compareCivil(t *testing.T, s []byte) {
	if got, ok := parseCivil(s, true); ok {
		var want time.Time
		var err error
		for _, layout := range timeLayouts {
			if want, err = time.Parse(layout, string(s)); err == nil {
				break
			}
		}
		if err != nil || !got.Equal(want) || want.Location() != time.UTC {
			t.Fatalf("parseCivil(%q) = %v, time.Parse %v %v", s, got, want, err)
		}
	}
	if got, ok := parseCivil(s, false); ok {
		want, err := time.Parse("2006-01-02", string(s))
		if err != nil || !got.Equal(want) {
			t.Fatalf("parseCivil(%q, date) = %v, time.Parse %v %v", s, got, want, err)
		}
	}
}

// FuzzFastScalars checks the fast number and time readers against the
// standard library on any text.
func FuzzFastScalars(f *testing.F) {
	for _, seed := range []string{"2800", "-0", "0.1", "1e22", "1e23", "123456789012345", "1234567890123456",
		"0.000001", "1.5E-7", "2001-06-01", "2001-06-01T12:00:00", "2001-06-01 23:59:59.999999999",
		"2000-02-29T00:00:00Z", "1900-02-29", "0000-01-01", "2001-06-01T24:00:00", "2001-06-01T12:00:00.1234567891"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, ok := skipNumber([]byte(s), 0); ok {
			if j, _ := skipNumber([]byte(s), 0); j == len(s) {
				compareValue(t, value{'n', []byte(s)})
			}
		}
		compareCivil(t, []byte(s))
	})
}

func FuzzInferArrow(f *testing.F) {
	good := flightRecord([]float64{2800, 400}, []string{"ORD", "SFO"}, []int{12, 3})
	defer good.Release()
	body := arrowBody(f, good)
	f.Add(body)
	f.Add(body[:len(body)/2])
	f.Add([]byte("ARROW1"))
	f.Add([]byte{})
	f.Fuzz(fuzzInfer(f, arrowStream))
}
