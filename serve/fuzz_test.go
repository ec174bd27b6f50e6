package serve

import (
	"strings"
	"testing"
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
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(fuzzInfer(f, "application/json"))
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
