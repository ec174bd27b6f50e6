package serve

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/refit-ml/refit/score"
)

// TestParseFast checks which bodies the fast parser takes, and that it
// reads them as encoding/json does.
func TestParseFast(t *testing.T) {
	replace := func(old, new string) string { return strings.Replace(oneRow, old, new, 1) }
	tests := []struct {
		name, body string
		fast       bool // taken by the fast parser
	}{
		{"one row", oneRow, true},
		{"spaces", " \n" + strings.ReplaceAll(oneRow, ":", " : ") + "\t", true},
		{"nested data", replace(`[2800]`, `[[2800]]`), true},
		{"nulls", replace(`"id":"r1"`, `"id":null,"outputs":null,"parameters":null`), true},
		{"parameters", replace(`"id":"r1"`, `"parameters":{"content_type":"np","n":[1,2.5e3,{"x":"\u00e9"}]}`), true},
		{"unknown key", replace(`"id":"r1"`, `"model":{"a":[true,false,null]}`), true},
		{"outputs", replace(`"id":"r1"`, `"outputs":[{"name":"label","parameters":{"binary_data":false}}]`), true},
		{"non-ASCII name", replace(`"origin"`, `"größe"`), true},
		{"empty shape", replace(`"shape":[1]`, `"shape":[]`), true},
		{"malformed", `{"inputs":[`, false},
		{"key case", replace(`"inputs"`, `"INPUTS"`), false},
		{"duplicate key", replace(`"id":"r1"`, `"id":"r1","id":"r2"`), false},
		{"escaped name", replace(`"origin"`, `"orig\u0069n"`), false},
		{"number id", replace(`"id":"r1"`, `"id":1`), false},
		{"float shape", replace(`"shape":[1]`, `"shape":[1.0]`), false},
		{"huge shape", replace(`"shape":[1]`, `"shape":[9999999999999999999]`), false},
		{"huge parameter", replace(`"id":"r1"`, `"parameters":{"a":1e999}`), false},
		{"null input", replace(`"inputs":[`, `"inputs":[null,`), false},
		{"trailing text", oneRow + "x", false},
		{"trailing comma", replace(`]}]}`, `]},]}`), false},
		{"array body", `[]`, false},
		{"control character", replace(`"r1"`, "\"r\x011\""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fast, std rawRequest
			if got := parseFast([]byte(tt.body), &fast); got != tt.fast {
				t.Fatalf("parseFast = %v, want %v", got, tt.fast)
			}
			if !tt.fast {
				return
			}
			if err := decodeStd([]byte(tt.body), &std); err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Join(flatten(&fast), "|"), strings.Join(flatten(&std), "|"); got != want {
				t.Errorf("fast %s\njson %s", got, want)
			}
		})
	}
}

// TestAppendJSONString checks the answer's strings against encoding/json.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "v0003", `a"b\c`, "tab\there", "\x00\x1f", "é ünï 日本", "bad \xff utf-8", "\u2028"} {
		var back string
		b := appendJSONString(nil, s)
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q: %s is not JSON: %v", s, b, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: reads back as %q, encoding/json's as %q", s, back, wantBack)
		}
	}
}

// TestDecodeAllocs bounds the allocations of decoding one row: with the
// decoder's buffers and arrays pooled, none (one allowed, for a GC that
// empties the pool during the run).
func TestDecodeAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop buffers at random")
	}
	sc := score.New(tinyModel(t, -0.5), score.Source{}, score.Options{})
	body := []byte(oneRow)
	allocs := testing.AllocsPerRun(100, func() {
		d := getDecoder()
		defer d.put()
		if _, err := d.decodeInfer(body, sc, 100); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.0f allocations", allocs)
	if allocs > 1 {
		t.Errorf("%.0f allocations to decode one row, want at most 1", allocs)
	}
}

// TestDecodeNulls checks nulls in every kind of column, a row count past
// one bitmap byte, and that the next request on the same decoder (which
// reuses the arrays) has no nulls left over.
func TestDecodeNulls(t *testing.T) {
	sc := score.New(tinyModel(t, -0.5), score.Source{}, score.Options{})
	mk := func(dist, origin, date string) []byte {
		return []byte(`{"inputs":[{"name":"distance","shape":[10],"datatype":"FP64","data":[` + strings.Repeat("1.5,", 9) + dist + `]},
		{"name":"origin","shape":[10,1],"datatype":"BYTES","data":[` + strings.Repeat(`"ORD",`, 9) + origin + `]},
		{"name":"date","shape":[10],"datatype":"INT64","data":[` + strings.Repeat("991396800000000,", 9) + date + `]}]}`)
	}
	body := mk("null", "null", "null")
	d := new(decoder)
	rec, err := d.decodeInfer(body, sc, 100)
	if err != nil {
		t.Fatal(err)
	}
	if rec.NumRows() != 10 {
		t.Fatalf("%d rows, want 10", rec.NumRows())
	}
	for i, col := range rec.Columns() {
		if col.Len() != 10 || col.NullN() != 1 || !col.IsNull(9) || col.IsNull(8) {
			t.Errorf("column %d: len %d, %d nulls, row 9 null %v, row 8 null %v", i, col.Len(), col.NullN(), col.IsNull(9), col.IsNull(8))
		}
	}
	if got := rec.Column(0).ValueStr(3); got != "1.5" {
		t.Errorf("distance row 3 = %s, want 1.5", got)
	}
	if got := rec.Column(1).ValueStr(8); got != "ORD" {
		t.Errorf("origin row 8 = %s, want ORD", got)
	}
	if _, err := sc.Score(rec, nil); err != nil {
		t.Fatal(err)
	}
	d.put()
	if rec, err = d.decodeInfer(mk("2", `"ATL"`, "0"), sc, 100); err != nil {
		t.Fatal(err)
	}
	for i, col := range rec.Columns() {
		if col.Len() != 10 || col.NullN() != 0 || col.IsNull(9) {
			t.Errorf("again, column %d: len %d, %d nulls, row 9 null %v", i, col.Len(), col.NullN(), col.IsNull(9))
		}
	}
	if got := rec.Column(1).ValueStr(9); got != "ATL" {
		t.Errorf("again, origin row 9 = %s, want ATL", got)
	}
}
