package serve

import (
	"bytes"
	"net/http/httptest"
	"testing"
)

// BenchmarkInferJSON is one single-row JSON request through the handler
// (no network): decoding, scoring, encoding.
func BenchmarkInferJSON(b *testing.B) {
	cfg, _ := testWorkspace(b, -0.5)
	h := newScoringServer(b, cfg, Options{}).Handler()
	body := []byte(oneRow)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v2/models/champion/infer", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Body.String())
		}
	}
}

// BenchmarkInferArrow is one request of 4,096 rows in an Arrow IPC
// stream through the handler.
func BenchmarkInferArrow(b *testing.B) {
	cfg, _ := testWorkspace(b, -0.5)
	h := newScoringServer(b, cfg, Options{}).Handler()
	dist, origin, hours := make([]float64, 4096), make([]string, 4096), make([]int, 4096)
	for i := range dist {
		dist[i], origin[i], hours[i] = float64(100+i%3000), []string{"ORD", "ATL", "SFO"}[i%3], i%24
	}
	rec := flightRecord(dist, origin, hours)
	defer rec.Release()
	body := arrowBody(b, rec)
	b.ReportAllocs()
	b.SetBytes(4096) // "MB/s" reads as millions of rows/s
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v2/models/champion/infer", bytes.NewReader(body))
		req.Header.Set("Content-Type", arrowStream)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Body.String())
		}
	}
}
