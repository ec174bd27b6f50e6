package serve

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/internal/promtext"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/score"
)

// VersionHeader names, in every scoring response, the model version that
// answered.
const VersionHeader = "Refit-Model-Version"

// ErrTokenRequired is CheckListen's error for an address beyond loopback
// without a token.
var ErrTokenRequired = errors.New("a bearer token is required to listen beyond loopback")

// CheckListen refuses to serve addr beyond loopback without a token: the
// scoring API and /metrics would be open to the network.
func CheckListen(addr net.Addr, token string) error {
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && token == "" {
		return fmt.Errorf("%s: %w", addr, ErrTokenRequired)
	}
	return nil
}

// routeV2 adds the Open Inference Protocol routes.
func (s *Server) routeV2(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/health/live", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, http.StatusOK, map[string]bool{"live": true})
	})
	mux.HandleFunc("GET /v2/health/ready", s.ready)
	mux.HandleFunc("GET /v2", func(w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, http.StatusOK, map[string]any{"name": "refit", "extensions": []string{}})
	})
	mux.HandleFunc("GET /v2/models/{name}", s.modelMetadata)
	mux.HandleFunc("GET /v2/models/{name}/ready", s.modelReady)
	mux.HandleFunc("POST /v2/models/{name}/infer", s.infer)
}

// authorized wraps h to require the bearer token on every path but the
// health checks.
func (s *Server) authorized(h http.Handler) http.Handler {
	token := s.opts.Token
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/v2/health/") ||
			subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) == 1 {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="refit"`)
		if s.scoring != nil && strings.HasPrefix(r.URL.Path, "/v2/") {
			s.scoring.observe(http.StatusUnauthorized, 0, "", 0)
		}
		writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
	})
}

func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if s.models.current.Load() == nil {
		writeJSONBody(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": "no champion yet"})
		return
	}
	writeJSONBody(w, http.StatusOK, map[string]bool{"ready": true})
}

func (s *Server) modelReady(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.models.get(r.Context(), name); err != nil {
		s.modelError(w, name, err)
		return
	}
	writeJSONBody(w, http.StatusOK, map[string]any{"name": name, "ready": true})
}

// tensorMeta describes one input or output in model metadata.
type tensorMeta struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
	// Kind is the model's column kind (inputs only).
	Kind string `json:"kind,omitempty"`
}

func (s *Server) modelMetadata(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	sc, err := s.models.get(r.Context(), name)
	if err != nil {
		s.modelError(w, name, err)
		return
	}
	m := sc.Model()
	var inputs []tensorMeta
	for _, c := range sc.Columns() {
		inputs = append(inputs, tensorMeta{Name: c.Name, Datatype: inputDatatype(c.Kind), Shape: []int64{-1, 1}, Kind: string(c.Kind)})
	}
	outputs := []tensorMeta{{Name: "prediction", Datatype: "FP32", Shape: []int64{-1}}}
	if m.Task() != model.TaskRegression {
		outputs = []tensorMeta{{Name: "probabilities", Datatype: "FP32", Shape: []int64{-1, int64(len(m.Labels()))}},
			{Name: "label", Datatype: "BYTES", Shape: []int64{-1}}}
	}
	w.Header().Set(VersionHeader, sc.Source().Version)
	writeJSONBody(w, http.StatusOK, map[string]any{
		"name": name, "versions": []string{sc.Source().Version}, "platform": "refit",
		"inputs": inputs, "outputs": outputs, "task": m.Task(), "labels": m.Labels(),
	})
}

// inputDatatype is the datatype metadata advertises for a column kind
// (the one ONNX export uses too).
func inputDatatype(k model.Kind) string {
	switch k {
	case model.KindNumeric:
		return "FP64"
	case model.KindTime:
		return "INT64"
	case model.KindDate:
		return "INT32"
	}
	return "BYTES"
}

func (s *Server) modelError(w http.ResponseWriter, name string, err error) {
	switch {
	case errors.Is(err, errNoModel):
		what := `"champion"`
		if s.opts.Scoring.AllVersions {
			what += " and every registered version by id (v0003)"
		} else {
			what += " (versions by id need --all-versions)"
		}
		writeError(w, http.StatusNotFound, fmt.Sprintf("model %q: not served: this server serves %s", name, what))
	case errors.Is(err, errNoChampion):
		writeError(w, http.StatusServiceUnavailable, "no champion yet: promote a version (refit promote, or a run)")
	default:
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("model %q: %v", name, err))
	}
}

// bufPool holds request and response buffers; resultPool scores.
var (
	bufPool    = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	resultPool = sync.Pool{New: func() any { return new(score.Result) }}
	// responsePool holds the JSON answers' buffers.
	responsePool = sync.Pool{New: func() any { return new([]byte) }}
)

func (s *Server) infer(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	code, version, rows := s.inferOnce(w, r)
	s.scoring.observe(code, time.Since(start), version, rows)
}

// inferOnce answers one infer request and returns its status, the
// version that answered and the rows scored.
func (s *Server) inferOnce(w http.ResponseWriter, r *http.Request) (code int, version string, rows int) {
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Error("infer: panic", "panic", p)
			code = http.StatusInternalServerError
			writeError(w, code, "internal error")
		}
	}()
	name := r.PathValue("name")
	sc, err := s.models.get(r.Context(), name)
	if err != nil {
		s.modelError(w, name, err)
		return statusOf(err), "", 0
	}
	version = sc.Source().Version
	w.Header()[VersionHeader] = s.versionHeader(version)
	body := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(body)
	body.Reset()
	limit := s.opts.Scoring.MaxBodyBytes
	if _, err := body.ReadFrom(http.MaxBytesReader(w, r.Body, limit)); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = badf("request body too large: the limit is %d bytes", limit)
		} else {
			err = badf("reading the request body: %v", err)
		}
		return s.fail(w, err), version, 0
	}
	if isArrowStream(r.Header.Get("Content-Type")) {
		rows, err = s.inferArrow(w, body.Bytes(), sc)
	} else {
		rows, err = s.inferJSON(w, body.Bytes(), name, sc)
	}
	if err != nil {
		return s.fail(w, err), version, 0
	}
	return http.StatusOK, version, rows
}

// isArrowStream reports whether a Content-Type is the Arrow IPC stream's;
// the common JSON ones are known without parsing.
func isArrowStream(contentType string) bool {
	switch contentType {
	case "", "application/json":
		return false
	case arrowStream:
		return true
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	return ct == arrowStream
}

// versionHdr is a VersionHeader value, kept so that setting it does not
// allocate per request (net/http only reads header values).
type versionHdr struct {
	version string
	value   []string
}

// versionHeader is the header value naming version.
func (s *Server) versionHeader(version string) []string {
	if h := s.lastHdr.Load(); h != nil && h.version == version {
		return h.value
	}
	h := &versionHdr{version, []string{version}}
	s.lastHdr.Store(h)
	return h.value
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, errNoModel):
		return http.StatusNotFound
	case errors.Is(err, errNoChampion):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail writes err: 400 for a bad request or input the model refuses, 500
// otherwise.
func (s *Server) fail(w http.ResponseWriter, err error) int {
	var bad *badRequest
	if errors.As(err, &bad) || errors.Is(err, model.ErrInvalidInput) {
		writeError(w, http.StatusBadRequest, err.Error())
		return http.StatusBadRequest
	}
	s.opts.Logger.Error("infer", "err", err)
	writeError(w, http.StatusInternalServerError, err.Error())
	return http.StatusInternalServerError
}

func (s *Server) inferJSON(w http.ResponseWriter, body []byte, name string, sc *score.Scorer) (int, error) {
	d := getDecoder()
	defer d.put()
	rec, err := d.decodeInfer(body, sc, s.opts.Scoring.MaxBatchRows)
	if err != nil {
		return 0, err
	}
	outputs := outputNames(sc.Model())
	for _, o := range d.req.outputs {
		if !slices.Contains(outputs, string(o)) {
			return 0, badf("output %q: the model's outputs are %s", o, strings.Join(outputs, ", "))
		}
	}
	res := resultPool.Get().(*score.Result)
	defer resultPool.Put(res)
	if _, err := sc.Score(rec, res); err != nil {
		return 0, err
	}
	out := responsePool.Get().(*[]byte)
	defer responsePool.Put(out)
	*out = appendInferResponse((*out)[:0], name, d.req.id, sc, res, d.req.outputs)
	w.Header()["Content-Type"] = jsonContentType
	_, _ = w.Write(*out)
	if cap(*out) > 1<<20 {
		*out = nil // a large answer's buffer goes to the garbage collector
	}
	return res.Rows, nil
}

// jsonContentType is the Content-Type header of JSON answers, shared so
// that setting it does not allocate (net/http only reads it).
var jsonContentType = []string{"application/json"}

func (s *Server) inferArrow(w http.ResponseWriter, body []byte, sc *score.Scorer) (int, error) {
	schema := arrowOutput(sc.Model())
	out := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(out)
	out.Reset()
	iw := ipc.NewWriter(out, ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator))
	res := resultPool.Get().(*score.Result)
	defer resultPool.Put(res)
	rows := 0
	err := arrowBatches(body, sc, s.opts.Scoring.MaxBatchRows, func(rec arrow.Record) error {
		if _, err := sc.Score(rec, res); err != nil {
			return err
		}
		rows += res.Rows
		return writeArrowResult(iw, schema, res)
	})
	if err != nil {
		return 0, err
	}
	if err := iw.Close(); err != nil {
		return 0, err
	}
	w.Header().Set("Content-Type", arrowStream)
	_, _ = w.Write(out.Bytes())
	return rows, nil
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSONBody(w, code, map[string]string{"error": msg})
}

func writeJSONBody(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// scoringFamilies is the scoring part of /metrics.
func (s *Server) scoringFamilies() []promtext.Family {
	cur, versions, swaps := s.models.served()
	champ := ""
	var oor []promtext.Sample
	add := func(sc *score.Scorer) {
		for _, c := range sc.OutOfRange() {
			oor = append(oor, promtext.Sample{Labels: promtext.L("version", sc.Source().Version, "column", c.Column), Value: float64(c.OutOfRange)})
		}
	}
	if cur != nil {
		champ = cur.Source().Version
		add(cur)
	}
	for _, id := range slices.Sorted(maps.Keys(versions)) {
		if id != champ {
			add(versions[id])
		}
	}
	return s.scoring.families(champ, swaps, oor)
}

// startWatch polls the champion until Stop.
func (s *Server) startWatch(ctx context.Context) {
	ctx, s.stopWatch = context.WithCancel(context.WithoutCancel(ctx))
	s.watchDone = make(chan struct{})
	go func() {
		defer close(s.watchDone)
		s.models.watch(ctx)
	}()
}
