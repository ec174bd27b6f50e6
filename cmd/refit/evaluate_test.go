package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
)

type evalRow struct {
	Dist   *float64 `parquet:"dist,optional"`
	Origin string   `parquet:"origin"`
	Late   bool     `parquet:"late"`
}

// evalData writes 300 rows: dist = i (null every 10th), origin cycling
// through A, B, C, late = dist > 150.
func evalData(t *testing.T, dir string) string {
	t.Helper()
	rows := make([]evalRow, 300)
	for i := range rows {
		d := float64(i)
		rows[i] = evalRow{Dist: &d, Origin: string(rune('A' + i%3)), Late: i > 150}
		if i%10 == 9 {
			rows[i].Dist = nil
		}
	}
	path := filepath.Join(dir, "holdout.parquet")
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

// evalModel saves a logistic model on dist and origin with weight w on
// standardized dist.
func evalModel(t *testing.T, data, path string, w float32) {
	t.Helper()
	ds, err := ingest.Open(context.Background(), []string{data}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := model.NewFitter([]string{"dist", "origin"}, model.FitConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for rec, err := range ds.Records(context.Background()) {
		if err == nil {
			err = f.Add(rec)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	pre, err := f.Preprocessor()
	if err != nil {
		t.Fatal(err)
	}
	ws := make([]float32, pre.NumFeatures())
	ws[0] = w
	d, err := model.NewDense(pre.NumFeatures(), 1, ws, []float32{0}, model.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"false", "true"}}, pre, []model.Layer{d})
	if err == nil {
		err = m.Save(path)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// registryRun runs the CLI and returns exit code, stdout and stderr with
// the temporary directory replaced by $DIR.
func registryRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "$DIR", dir)
	}
	code := run(context.Background(), args, &stdout, &stderr)
	return code, strings.ReplaceAll(stdout.String(), dir, "$DIR"), strings.ReplaceAll(stderr.String(), dir, "$DIR")
}

func TestEvaluateGatePromote(t *testing.T) {
	golden, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir) // relative paths keep table widths independent of dir
	data := evalData(t, dir)
	evalModel(t, data, filepath.Join(dir, "good.safetensors"), 3)
	evalModel(t, data, filepath.Join(dir, "bad.safetensors"), -3)
	policy := filepath.Join(dir, "gates.yaml")
	if err := os.WriteFile(policy, []byte("gates:\n  - {metric: auc, min: 0.9}\n  - {metric: auc, max_drop_vs_champion: 0.005}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := []string{"--workspace", "ws"}
	steps := []struct {
		name   string
		args   []string
		code   int
		golden bool
		check  func(t *testing.T, out string)
	}{
		{"evaluate_two_models", []string{"evaluate", "--model", "good.safetensors", "--model", "bad.safetensors",
			"--data", "holdout.parquet", "--label", "late", "--slices", "far=dist > 250", "--cost-seconds", "0"}, 0, true, nil},
		{"evaluate_report", []string{"evaluate", "--model", "good.safetensors", "--model", "bad.safetensors",
			"--data", "holdout.parquet", "--label", "late", "--cost-seconds", "0", "--report", "evaluation.html"}, 0, false, checkEvaluateReport},
		{"evaluate_json", []string{"evaluate", "--model", "good.safetensors", "--model", "bad.safetensors",
			"--data", "holdout.parquet", "--label", "late", "--where", "origin != \"C\"", "--cost-seconds", "0.05", "--format", "json"}, 0, false, checkEvaluateJSON},
		{"evaluate_no_label", []string{"evaluate", "--model", "good.safetensors", "--data", "holdout.parquet"}, 2, true, nil},
		{"gate_pass_register", append([]string{"gate", "--candidate", "good.safetensors", "--champion", "champion",
			"--data", "holdout.parquet", "--label", "late", "--policy", "gates.yaml", "--no-auto-slices", "--cost-seconds", "0", "--register"}, ws...), 0, true, nil},
		{"promote_first", append([]string{"promote", "v0001"}, ws...), 0, true, nil},
		{"gate_fail_default_policy", append([]string{"gate", "--candidate", "bad.safetensors", "--champion", "champion",
			"--data", "holdout.parquet", "--label", "late", "--no-auto-slices", "--cost-seconds", "0"}, ws...), 1, true, nil},
		{"gate_fail_json", append([]string{"gate", "--candidate", "bad.safetensors", "--champion", "champion",
			"--data", "holdout.parquet", "--label", "late", "--cost-seconds", "0.02", "--format", "json"}, ws...), 1, false, checkGateFailJSON},
		{"models_register", append([]string{"models", "register", "bad.safetensors"}, ws...), 0, true, nil},
		{"promote_refused", append([]string{"promote", "v0002"}, ws...), 1, true, nil},
		{"promote_force_no_reason", append([]string{"promote", "v0002", "--force"}, ws...), 2, true, nil},
		{"promote_forced", append([]string{"promote", "v0002", "--force", "--reason", "test forced promotion"}, ws...), 0, true, nil},
		{"rollback", append([]string{"rollback"}, ws...), 0, true, nil},
		{"models_list_json", append([]string{"models", "list", "--format", "json"}, ws...), 0, false, checkModelsList},
		{"models_show_json", append([]string{"models", "show", "champion", "--format", "json"}, ws...), 0, false, checkModelsShow},
	}
	for _, s := range steps {
		code, stdout, stderr := registryRun(t, dir, s.args...)
		if code != s.code {
			t.Fatalf("%s: exit %d, want %d; stderr: %s", s.name, code, s.code, stderr)
		}
		if s.golden {
			compareGolden(t, filepath.Join(golden, s.name+".golden"), stdout+stderr)
		}
		if s.check != nil {
			s.check(t, stdout)
		}
	}
}

func decode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
	return v
}

type resultJSON struct {
	Model   string             `json:"model"`
	Metrics map[string]float64 `json:"metrics"`
	Slices  []struct {
		Name string `json:"name"`
		Rows int    `json:"rows"`
	} `json:"slices"`
	Cost map[string]float64 `json:"cost"`
}

func checkEvaluateJSON(t *testing.T, out string) {
	v := decode[struct {
		Rows    int          `json:"rows"`
		Results []resultJSON `json:"results"`
	}](t, out)
	if v.Rows != 200 || len(v.Results) != 2 {
		t.Fatalf("rows %d, %d results", v.Rows, len(v.Results))
	}
	good, bad := v.Results[0], v.Results[1]
	if !(good.Metrics["auc"] > 0.9 && bad.Metrics["auc"] < 0.1) {
		t.Errorf("auc %v / %v", good.Metrics["auc"], bad.Metrics["auc"])
	}
	for _, r := range v.Results {
		c := r.Cost
		if !(c["latency_p50_us"] > 0 && c["latency_p99_us"] >= c["latency_p50_us"] && c["rows_per_sec"] > 0 && c["bytes"] > 0) {
			t.Errorf("%s cost %v", r.Model, c)
		}
		if len(r.Slices) == 0 || r.Slices[0].Name != "origin=A" {
			t.Errorf("%s slices %+v", r.Model, r.Slices)
		}
	}
}

func checkGateFailJSON(t *testing.T, out string) {
	v := decode[struct {
		Champion struct{ Version string } `json:"champion"`
		Verdict  struct {
			Pass   bool `json:"pass"`
			Checks []struct {
				Gate string `json:"gate"`
				Pass bool   `json:"pass"`
			} `json:"checks"`
		} `json:"verdict"`
		Results []resultJSON `json:"results"`
	}](t, out)
	if v.Champion.Version != "v0001" || v.Verdict.Pass || len(v.Results) != 2 {
		t.Fatalf("champion %q, pass %v, %d results", v.Champion.Version, v.Verdict.Pass, len(v.Results))
	}
	for _, c := range v.Verdict.Checks {
		if c.Gate == "{metric: auc, max_drop_vs_champion: 0.005}" && c.Pass {
			t.Errorf("auc drop gate passed")
		}
	}
}

type versionJSON struct {
	ID      string   `json:"id"`
	Gate    string   `json:"gate"`
	Aliases []string `json:"aliases"`
	Metrics map[string]any
}

func checkModelsList(t *testing.T, out string) {
	v := decode[[]versionJSON](t, out)
	got := map[string]string{}
	for _, x := range v {
		got[x.ID] = x.Gate + " " + strings.Join(x.Aliases, ",")
	}
	want := map[string]string{"v0001": "passed champion", "v0002": "missing "}
	if len(got) != 2 || got["v0001"] != want["v0001"] || got["v0002"] != want["v0002"] {
		t.Errorf("versions %v, want %v", got, want)
	}
}

func checkModelsShow(t *testing.T, out string) {
	v := decode[versionJSON](t, out)
	// One metrics shape whoever registered the version: the flat map of
	// the candidate's metrics, as refit run stores it.
	if auc, ok := v.Metrics["auc"].(float64); v.ID != "v0001" || v.Gate != "passed" || !ok || auc < 0.99 || v.Metrics["rows"] != nil {
		t.Errorf("show: %+v", v)
	}
}

// checkEvaluateReport checks --report wrote the evaluation's page: both
// models by name, their baselines, confusion matrices and curves.
func checkEvaluateReport(t *testing.T, _ string) {
	page, err := os.ReadFile("evaluation.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="evaluation"`, `id="baselines"`, `id="confusion"`, `id="roc-curve"`, `id="reliability"`,
		"<th>good.safetensors</th>", "<th>bad.safetensors</th>", "majority-class accuracy", `<g class="model-n1">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("evaluation.html lacks %s", want)
		}
	}
}
