package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/score"
)

// flightSchema is the tiny test model's inputs.
var flightSchema = arrow.NewSchema([]arrow.Field{
	{Name: "distance", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "origin", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "date", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
}, nil)

func flightRecord(dist []float64, origin []string, hours []int) arrow.Record {
	b := array.NewRecordBuilder(memory.NewGoAllocator(), flightSchema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues(dist, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(origin, nil)
	for _, h := range hours {
		t := time.Date(2001, 6, 1, h, 0, 0, 0, time.UTC)
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(t.UnixMicro()))
	}
	return b.NewRecord()
}

// tinyModel is a logistic regression on the three inputs; bias shifts its
// outputs, so that two versions answer differently.
func tinyModel(t testing.TB, bias float32) *model.Model {
	t.Helper()
	rec := flightRecord([]float64{300, 1200, 2500, 900}, []string{"ORD", "ATL", "ORD", "ATL"}, []int{6, 9, 12, 18})
	defer rec.Release()
	pre, err := model.Fit([]string{"distance", "origin", "date"}, model.FitConfig{TopK: 2}, rec)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float32, pre.NumFeatures())
	w[0], w[2] = 1.5, 0.8
	layer, err := model.NewDense(pre.NumFeatures(), 1, w, []float32{bias}, model.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"on time", "late"}}, pre, []model.Layer{layer})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testWorkspace registers versions with the given biases in a new
// workspace, promotes the first, and returns the configuration.
func testWorkspace(t testing.TB, biases ...float32) (*pipeline.Config, *registry.Registry) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "refit.yaml")
	cfg := "data: {source: data, time_column: date}\ntrain: {label: y, features: [distance]}\nworkspace: ws\nschedules:\n  - {name: nightly, cron: \"@yearly\", job: run}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := pipeline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(context.Background(), c.Path(c.Workspace), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	for i, b := range biases {
		file := filepath.Join(dir, fmt.Sprintf("m%d.refit", i))
		if err := tinyModel(t, b).Save(file); err != nil {
			t.Fatal(err)
		}
		v, err := reg.Register(context.Background(), registry.RegisterRequest{Gate: registry.GatePassed, Files: map[string]string{registry.ModelArtifact: file}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := reg.Promote(context.Background(), v.ID, registry.Champion, registry.PromoteOptions{Actor: "test"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c, reg
}

func newScoringServer(t testing.TB, cfg *pipeline.Config, opts Options) *Server {
	t.Helper()
	opts.Logger = slog.New(slog.DiscardHandler)
	if opts.Scoring == nil {
		opts.Scoring = &ScoringOptions{}
	}
	s, err := New(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func do(t testing.TB, h http.Handler, method, path, contentType string, body []byte, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const oneRow = `{"id":"r1","inputs":[
 {"name":"distance","shape":[1],"datatype":"FP64","data":[2800]},
 {"name":"origin","shape":[1],"datatype":"BYTES","data":["ORD"]},
 {"name":"date","shape":[1],"datatype":"BYTES","data":["2001-06-01T12:00:00"]}]}`

type inferResponse struct {
	ModelName    string `json:"model_name"`
	ModelVersion string `json:"model_version"`
	ID           string
	Outputs      []struct {
		Name     string
		Datatype string
		Shape    []int
		Data     []any
	}
	Error string
}

func decodeResponse(t testing.TB, rec *httptest.ResponseRecorder) inferResponse {
	t.Helper()
	var r inferResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("response %d %q: %v", rec.Code, rec.Body.String(), err)
	}
	return r
}

func TestInferJSON(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5)
	h := newScoringServer(t, cfg, Options{}).Handler()
	rec := do(t, h, "POST", "/v2/models/champion/infer", "application/json", []byte(oneRow))
	r := decodeResponse(t, rec)
	if rec.Code != 200 || r.ModelName != "champion" || r.ModelVersion != "v0001" || r.ID != "r1" || rec.Header().Get(VersionHeader) != "v0001" {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	// By hand as in score's Example: z = 1.958, logit 1.5·z + 0.8 - 0.5 =
	// 3.237, sigmoid 0.9622 (the hour one-hots have zero weight).
	probs, label := r.Outputs[0], r.Outputs[1]
	p := probs.Data[1].(float64)
	if probs.Name != "probabilities" || len(probs.Data) != 2 || p < 0.962 || p > 0.9623 || probs.Data[0].(float64)+p != 1 {
		t.Errorf("probabilities %+v", probs)
	}
	if label.Name != "label" || label.Data[0] != "late" {
		t.Errorf("label %+v", label)
	}
}

// TestInferBadRequests checks each problem gives 400 with a message
// naming the column and the problem.
func TestInferBadRequests(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5)
	h := newScoringServer(t, cfg, Options{Scoring: &ScoringOptions{MaxBodyBytes: 4096, MaxBatchRows: 100}}).Handler()
	replace := func(old, new string) string { return strings.Replace(oneRow, old, new, 1) }
	tests := []struct{ name, body, want string }{
		{"malformed", `{"inputs":[`, "malformed JSON request"},
		{"missing column", replace(`{"name":"origin","shape":[1],"datatype":"BYTES","data":["ORD"]},`, ""), `input "origin": missing`},
		{"wrong datatype", replace(`"datatype":"BYTES","data":["ORD"]`, `"datatype":"FP64","data":[3]`), `input "origin": wrong type: datatype "FP64", but the model reads it as categorical`},
		{"wrong value", replace(`[2800]`, `["far"]`), `input "distance": row 0: wrong type: "far" is not a number`},
		{"NaN", replace(`[2800]`, `["NaN"]`), `input "distance": row 0: NaN is not allowed: send null for a missing value`},
		{"bad time", replace(`2001-06-01T12:00:00`, `noon`), `input "date": row 0: "noon" is not a timestamp`},
		{"rows differ", replace(`"shape":[1],"datatype":"FP64","data":[2800]`, `"shape":[2],"datatype":"FP64","data":[2800,1]`), `input "origin": 1 rows, but input "distance" has 2`},
		{"shape and data", replace(`"shape":[1],"datatype":"FP64"`, `"shape":[2],"datatype":"FP64"`), `input "distance": shape says 2 rows, data has 1 values`},
		{"data beyond shape", replace(`[2800]`, `[2800,1,2]`), `input "distance": shape says 1 rows, data has 3 values`},
		{"batch too large", replace(`"shape":[1],"datatype":"FP64"`, `"shape":[101],"datatype":"FP64"`), `input "distance": batch too large: 101 rows, the limit is 100`},
		{"body too large", oneRow + strings.Repeat(" ", 5000), "request body too large: the limit is 4096 bytes"},
		{"unknown output", strings.Replace(oneRow, `"id":"r1",`, `"outputs":[{"name":"score"}],`, 1), `output "score": the model's outputs are probabilities, label`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, "POST", "/v2/models/champion/infer", "application/json", []byte(tt.body))
			r := decodeResponse(t, rec)
			if rec.Code != 400 || !strings.Contains(r.Error, tt.want) {
				t.Errorf("%d %q, want 400 with %q", rec.Code, r.Error, tt.want)
			}
		})
	}
}

func arrowBody(t testing.TB, recs ...arrow.Record) []byte {
	t.Helper()
	var b bytes.Buffer
	w := ipc.NewWriter(&b, ipc.WithSchema(recs[0].Schema()))
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInferArrow(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5)
	s := newScoringServer(t, cfg, Options{})
	in := flightRecord([]float64{2800, 400, 1200}, []string{"ORD", "SFO", "ATL"}, []int{12, 3, 9})
	defer in.Release()
	rec := do(t, s.Handler(), "POST", "/v2/models/champion/infer", arrowStream, arrowBody(t, in, in))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != arrowStream || rec.Header().Get(VersionHeader) != "v0001" {
		t.Fatalf("%d %s %q", rec.Code, rec.Header(), rec.Body.String())
	}
	rd, err := ipc.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	want, err := tinyModel(t, -0.5).Predict(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	batches := 0
	for rd.Next() {
		out := rd.Record()
		pred, label := out.Column(0).(*array.Float32), out.Column(1).(*array.String)
		for i := range 3 {
			if pred.Value(i) != want[i] || (label.Value(i) == "late") != (want[i] >= 0.5) {
				t.Errorf("row %d: %v %q, want %v", i, pred.Value(i), label.Value(i), want[i])
			}
		}
		batches++
	}
	if batches != 2 {
		t.Errorf("%d batches, want 2", batches)
	}
	metrics := do(t, s.Handler(), "GET", "/metrics", "", nil).Body.String()
	for _, w := range []string{
		`refit_infer_requests_total{code="200"} 1`, `refit_infer_rows_total{version="v0001"} 6`,
		`refit_model_in_service{alias="champion",version="v0001"} 1`,
		`refit_infer_out_of_range_total{version="v0001",column="origin"} 2`, // SFO twice
		`refit_infer_out_of_range_total{version="v0001",column="date"} 2`,   // 3 o'clock twice
		`refit_infer_request_duration_seconds_count 1`,
	} {
		if !strings.Contains(metrics, w) {
			t.Errorf("/metrics lacks %s:\n%s", w, metrics)
		}
	}
}

func TestInferArrowBad(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5)
	h := newScoringServer(t, cfg, Options{Scoring: &ScoringOptions{MaxBatchRows: 4}}).Handler()
	good := flightRecord([]float64{2800, 400, 1200}, []string{"ORD", "SFO", "ATL"}, []int{12, 3, 9})
	defer good.Release()
	nan := flightRecord([]float64{2800, 0, 1200}, []string{"ORD", "SFO", "ATL"}, []int{12, 3, 9})
	defer nan.Release()
	nan.Column(0).(*array.Float64).Float64Values()[1] = 0 / func() float64 { return 0 }()
	noOrigin := array.NewRecord(arrow.NewSchema([]arrow.Field{flightSchema.Field(0), flightSchema.Field(2)}, nil),
		[]arrow.Array{good.Column(0), good.Column(2)}, 3)
	defer noOrigin.Release()
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"garbage", []byte("not arrow at all"), "malformed Arrow IPC stream"},
		{"truncated", arrowBody(t, good)[:100], "malformed Arrow IPC stream"},
		{"missing", arrowBody(t, noOrigin), `column "origin": missing`},
		{"NaN", arrowBody(t, nan), `column "distance": row 1: NaN is not allowed`},
		{"too many rows", arrowBody(t, good, good), "batch too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, h, "POST", "/v2/models/champion/infer", arrowStream, tt.body)
			r := decodeResponse(t, rec)
			if rec.Code != 400 || !strings.Contains(r.Error, tt.want) {
				t.Errorf("%d %q, want 400 with %q", rec.Code, r.Error, tt.want)
			}
		})
	}
}

func TestV2Metadata(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5, 0.5)
	h := newScoringServer(t, cfg, Options{Scoring: &ScoringOptions{AllVersions: true}}).Handler()
	for path, want := range map[string]string{
		"/v2/health/live":           `{"live":true}`,
		"/v2/health/ready":          `{"ready":true}`,
		"/v2/models/champion":       `"versions":["v0001"]`,
		"/v2/models/v0002":          `"inputs":[{"name":"distance","datatype":"FP64","shape":[-1,1],"kind":"numeric"},{"name":"origin","datatype":"BYTES"`,
		"/v2/models/v0002/ready":    `"ready":true`,
		"/v2/models/champion/ready": `"ready":true`,
	} {
		rec := do(t, h, "GET", path, "", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d %s, want %s", path, rec.Code, rec.Body.String(), want)
		}
	}
	for path, code := range map[string]int{"/v2/models/v0009": 404, "/v2/models/challenger": 404} {
		if rec := do(t, h, "GET", path, "", nil); rec.Code != code {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, code)
		}
	}
	rec := do(t, h, "POST", "/v2/models/v0002/infer", "application/json", []byte(oneRow))
	if r := decodeResponse(t, rec); rec.Code != 200 || r.ModelVersion != "v0002" || r.ModelName != "v0002" {
		t.Errorf("v0002: %d %+v", rec.Code, r)
	}
	// Without AllVersions only the champion is served.
	h = newScoringServer(t, cfg, Options{}).Handler()
	if rec := do(t, h, "POST", "/v2/models/v0002/infer", "application/json", []byte(oneRow)); rec.Code != 404 || !strings.Contains(rec.Body.String(), "--all-versions") {
		t.Errorf("v0002 without AllVersions: %d %s", rec.Code, rec.Body.String())
	}
}

func TestNoChampionYet(t *testing.T) {
	cfg, _ := testWorkspace(t)
	h := newScoringServer(t, cfg, Options{}).Handler()
	if rec := do(t, h, "GET", "/v2/health/ready", "", nil); rec.Code != 503 {
		t.Errorf("ready without a champion: %d", rec.Code)
	}
	if rec := do(t, h, "POST", "/v2/models/champion/infer", "application/json", []byte(oneRow)); rec.Code != 503 || !strings.Contains(rec.Body.String(), "no champion yet") {
		t.Errorf("infer without a champion: %d %s", rec.Code, rec.Body.String())
	}
}

func TestToken(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5)
	h := newScoringServer(t, cfg, Options{Token: "s3cret"}).Handler()
	for _, tt := range []struct {
		path   string
		header []string
		code   int
	}{
		{"/v2/models/champion", nil, 401},
		{"/v2/models/champion", []string{"Authorization", "Bearer wrong"}, 401},
		{"/v2/models/champion", []string{"Authorization", "Bearer s3cret"}, 200},
		{"/metrics", nil, 401},
		{"/v2/health/live", nil, 200},
		{"/healthz", nil, 200},
	} {
		if rec := do(t, h, "GET", tt.path, "", nil, tt.header...); rec.Code != tt.code {
			t.Errorf("GET %s %v: %d, want %d", tt.path, tt.header, rec.Code, tt.code)
		}
	}
	lo := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9108}
	all := &net.TCPAddr{IP: net.IPv4zero, Port: 9108}
	if CheckListen(lo, "") != nil || CheckListen(all, "x") != nil || CheckListen(all, "") == nil {
		t.Error("CheckListen: want an error only beyond loopback without a token")
	}
}

// TestHotSwap promotes and rolls back while a client scores, and checks
// the server serves the new champion after each move, with no failed
// request.
func TestHotSwap(t *testing.T) {
	cfg, reg := testWorkspace(t, -0.5, 0.5)
	s := newScoringServer(t, cfg, Options{Scoring: &ScoringOptions{Poll: 5 * time.Millisecond}})
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	stop := make(chan struct{})
	seen := make(chan map[string]int, 2)
	for range 2 { // two client connections
		go func() {
			counts := map[string]int{}
			defer func() { seen <- counts }()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Post(srv.URL+"/v2/models/champion/infer", "application/json", strings.NewReader(oneRow))
				if err != nil {
					counts["error: "+err.Error()]++
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				r := inferResponse{}
				if resp.StatusCode != 200 || json.Unmarshal(body, &r) != nil || r.ModelVersion != resp.Header.Get(VersionHeader) {
					counts[fmt.Sprintf("status %d: %s", resp.StatusCode, body)]++
					continue
				}
				counts[r.ModelVersion]++
			}
		}()
	}
	waitFor := func(v string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if cur := s.models.current.Load(); cur != nil && cur.Source().Version == v {
				return
			}
		}
		t.Fatalf("the server never served %s", v)
	}
	ctx := context.Background()
	time.Sleep(20 * time.Millisecond)
	if err := reg.Promote(ctx, "v0002", registry.Champion, registry.PromoteOptions{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	waitFor("v0002")
	time.Sleep(20 * time.Millisecond)
	if _, err := reg.Rollback(ctx, registry.Champion, registry.RollbackOptions{Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	waitFor("v0001")
	time.Sleep(20 * time.Millisecond)
	close(stop)
	counts := <-seen
	for k, n := range <-seen {
		counts[k] += n
	}
	for k := range counts {
		if k != "v0001" && k != "v0002" {
			t.Errorf("responses %q: %d", k, counts[k])
		}
	}
	if counts["v0001"] == 0 || counts["v0002"] == 0 {
		t.Errorf("responses by version %v: want both", counts)
	}
}

// TestWriteArrowResultMulticlass checks the probability columns of a
// multiclass result are the right slices of the row-major values.
func TestWriteArrowResultMulticlass(t *testing.T) {
	f32 := arrow.PrimitiveTypes.Float32
	schema := arrow.NewSchema([]arrow.Field{{Name: "label", Type: arrow.BinaryTypes.String},
		{Name: "prob_a", Type: f32}, {Name: "prob_b", Type: f32}, {Name: "prob_c", Type: f32}}, nil)
	res := &score.Result{Rows: 2, Width: 3, Values: []float32{0.1, 0.7, 0.2, 0.5, 0.3, 0.2}, Labels: []string{"b", "a"}}
	var b bytes.Buffer
	w := ipc.NewWriter(&b, ipc.WithSchema(schema))
	if err := writeArrowResult(w, schema, res); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := ipc.NewReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	if !rd.Next() {
		t.Fatal(rd.Err())
	}
	rec := rd.Record()
	if l := rec.Column(0).(*array.String); l.Value(0) != "b" || l.Value(1) != "a" {
		t.Errorf("labels %v", l)
	}
	for j := range 3 {
		col := rec.Column(j + 1).(*array.Float32)
		for r := range 2 {
			if col.Value(r) != res.Values[r*3+j] {
				t.Errorf("prob column %d row %d: %v, want %v", j, r, col.Value(r), res.Values[r*3+j])
			}
		}
	}
}
