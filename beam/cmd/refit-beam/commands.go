package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/refit-ml/refit/beam/pipelines"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

var (
	output     = flag.String("o", "", "profile: write the profile JSON here (local path, gs:// or s3://)")
	expectFile = flag.String("expect", "", "audit: expectations file (YAML)")
	now        = flag.String("now", "", "audit: the clock for freshness checks, RFC 3339 or a date (default: now)")
	format     = flag.String("format", "text", "audit, drift: output format, text or json")
	reference  = flag.String("reference", "", "drift: reference data (comma-separated paths)")
	current    = flag.String("current", "", "drift: current data (comma-separated paths)")
	modelPath  = flag.String("model", "", "predict: model file (readable by every worker)")
	dataFlag   = flag.String("data", "", "predict: data to score (comma-separated paths)")
	maxKeys    = flag.Int("max-keys", 0, "audit: most distinct values kept by a uniqueness or duplicate-row check (default 33,554,432)")
	workDir    = flag.String("work", "", "audit, drift: where the pipeline writes profiles; must be shared with workers on a cluster (default: a local temporary directory)")
)

func runProfile(ctx context.Context, args []string, stdout io.Writer) error {
	data, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(data) == 0 || *output == "" {
		return fmt.Errorf("profile: want DATA... -o profile.json")
	}
	if err := pipelines.RunProfiles(ctx, []pipelines.Spec{{Sources: data}}, []string{*output}); err != nil {
		return err
	}
	prof, err := pipelines.ReadProfile(ctx, *output)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "profiled %d rows, %d columns: %s\n", prof.Rows, len(prof.Columns), *output)
	return nil
}

// workFor returns --work, or a new local temporary directory and its
// removal.
func workFor() (string, func(), error) {
	if *workDir != "" {
		return strings.TrimSuffix(*workDir, "/"), func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "refit-beam-")
	if err != nil {
		return "", nil, err
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// profilesOf profiles each source list in one pipeline, writing the
// profiles to dir, and reads them back.
func profilesOf(ctx context.Context, dir string, sources ...[]string) ([]*profile.Profile, error) {
	var specs []pipelines.Spec
	var outs []string
	for i, s := range sources {
		specs = append(specs, pipelines.Spec{Sources: s})
		outs = append(outs, dir+"/"+filepath.Base(fmt.Sprintf("profile-%d.json", i)))
	}
	if err := pipelines.RunProfiles(ctx, specs, outs); err != nil {
		return nil, err
	}
	profs := make([]*profile.Profile, len(outs))
	for i, o := range outs {
		p, err := pipelines.ReadProfile(ctx, o)
		if err != nil {
			return nil, err
		}
		profs[i] = p
	}
	return profs, nil
}

// auditOutput is the JSON output of audit: the fields of refit audit
// --format json that do not need the HTML report.
type auditOutput struct {
	Sources  []string         `json:"sources"`
	Rows     int64            `json:"rows"`
	Verdict  report.Verdict   `json:"verdict"`
	Checks   int              `json:"checks"`
	Errors   int              `json:"errors"`
	Warnings int              `json:"warnings"`
	RowPass  bool             `json:"row_pass"`
	Findings []expect.Finding `json:"findings"`
}

func runAudit(ctx context.Context, args []string, stdout io.Writer) error {
	data, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(data) == 0 || *expectFile == "" {
		return fmt.Errorf("audit: want DATA... --expect expectations.yaml")
	}
	clock, err := parseNow(*now)
	if err != nil {
		return err
	}
	dir, cleanup, err := workFor()
	if err != nil {
		return err
	}
	defer cleanup()
	res, prof, err := check(ctx, data, dir, expect.CheckOptions{Now: clock, MaxKeys: *maxKeys})
	if err != nil {
		return err
	}
	verdict := (&report.Audit{Findings: res.Findings}).Verdict() // as refit audit judges its findings
	out := auditOutput{Sources: data, Rows: prof.Rows, Verdict: verdict, Checks: res.Checks, Errors: res.Count(expect.SeverityError),
		Warnings: res.Count(expect.SeverityWarn), RowPass: res.RowPass, Findings: res.Findings}
	if out.Findings == nil {
		out.Findings = []expect.Finding{}
	}
	if err := writeAudit(stdout, out); err != nil {
		return err
	}
	if res.Failed() {
		return fmt.Errorf("%d error findings: %w", out.Errors, errFailed)
	}
	return nil
}

// check is expect.Check on the runner: a pipeline computes the profile;
// the launcher plans the checks from it (reading footers only); when some
// need the data, a second pipeline runs them on the workers, part by part,
// folded in part order. The launcher reads no data rows.
func check(ctx context.Context, data []string, dir string, opts expect.CheckOptions) (*expect.CheckResult, *profile.Profile, error) {
	expBytes, err := os.ReadFile(*expectFile)
	if err != nil {
		return nil, nil, fmt.Errorf("reading expectations: %w", err)
	}
	exp, err := expect.Decode(expBytes, *expectFile)
	if err != nil {
		return nil, nil, err
	}
	profs, err := profilesOf(ctx, dir, data)
	if err != nil {
		return nil, nil, err
	}
	profBytes, err := json.Marshal(profs[0])
	if err != nil {
		return nil, nil, err
	}
	prof, err := profile.Decode(profBytes) // as the workers decode it
	if err != nil {
		return nil, nil, err
	}
	ds, err := ingest.Open(ctx, data, ingest.Options{})
	if err != nil {
		return nil, nil, err
	}
	rp, err := expect.NewRowPass(ds, prof, exp, opts)
	if err != nil {
		return nil, nil, err
	}
	var out *expect.RowOutput
	if rp.Needed() {
		plan := pipelines.NewRowPlan(pipelines.Spec{Sources: data}, expBytes, *expectFile, profBytes, opts)
		if out, err = pipelines.RunRowChecks(ctx, plan, dir+"/rowpass.json"); err != nil {
			return nil, nil, err
		}
	}
	res, err := rp.Result(out)
	return res, prof, err
}

func writeAudit(w io.Writer, out auditOutput) error {
	if *format == "json" {
		return writeJSON(w, out)
	}
	fmt.Fprintf(w, "audit of %s: %d rows, %d checks, %d errors, %d warnings\n",
		strings.Join(out.Sources, ", "), out.Rows, out.Checks, out.Errors, out.Warnings)
	for _, f := range out.Findings {
		fmt.Fprintf(w, "%s\t%s\t%s\texpected %s\tobserved %s\n", f.Severity, f.Check, f.Column, f.Expected, f.Observed)
	}
	return nil
}

func runDrift(ctx context.Context, args []string, stdout io.Writer) error {
	rest, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *reference == "" || *current == "" {
		return fmt.Errorf("drift: want --reference REF --current CUR")
	}
	dir, cleanup, err := workFor()
	if err != nil {
		return err
	}
	defer cleanup()
	profs, err := profilesOf(ctx, dir, strings.Split(*reference, ","), strings.Split(*current, ","))
	if err != nil {
		return err
	}
	r, err := drift.Compare(ctx, profs[0], profs[1], drift.Options{})
	if err != nil {
		return err
	}
	if *format == "json" {
		if err := writeJSON(stdout, r); err != nil {
			return err
		}
	} else {
		for _, f := range r.Features {
			fmt.Fprintf(stdout, "%s\t%s\tPSI %.4f\tJS %.4f\t%s\n", f.Name, f.Kind, f.PSI, f.JS, f.Verdict)
		}
		fmt.Fprintf(stdout, "drift: %s\n", r.Verdict)
	}
	if r.Verdict >= validate.VerdictAlert {
		return fmt.Errorf("drift alerts: %w", errFailed)
	}
	return nil
}

func runPredict(ctx context.Context, args []string, stdout io.Writer) error {
	rest, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || *modelPath == "" || *dataFlag == "" || *output == "" {
		return fmt.Errorf("predict: want --model M --data D -o OUT/")
	}
	out := strings.TrimSuffix(*output, "/")
	if err := pipelines.RunPredict(ctx, pipelines.Spec{Sources: strings.Split(*dataFlag, ",")}, *modelPath, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "predictions: %s/part-*.parquet\n", out)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseNow reads --now as refit audit does; empty means the current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	b, err := expect.ParseBound(s)
	if err != nil || !b.IsTime {
		return time.Time{}, fmt.Errorf("--now %q: want RFC 3339 (2024-03-01T02:00:00Z) or a date (2024-03-01)", s)
	}
	return b.Time, nil
}
