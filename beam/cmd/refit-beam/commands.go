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
	"github.com/refit-ml/refit/validate"
)

var (
	output    = flag.String("o", "", "profile: write the profile JSON here (local path, gs:// or s3://)")
	expect    = flag.String("expect", "", "audit: expectations file (YAML)")
	now       = flag.String("now", "", "audit: the clock for freshness checks, RFC 3339 or a date (default: now)")
	format    = flag.String("format", "text", "audit, drift: output format, text or json")
	reference = flag.String("reference", "", "drift: reference data (comma-separated paths)")
	current   = flag.String("current", "", "drift: current data (comma-separated paths)")
	modelPath = flag.String("model", "", "predict: model file (readable by every worker)")
	dataFlag  = flag.String("data", "", "predict: data to score (comma-separated paths)")
	workDir   = flag.String("work", "", "audit, drift: where the pipeline writes profiles; must be shared with workers on a cluster (default: a local temporary directory)")
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

// profilesOf profiles each source list in one pipeline and reads the
// profiles back.
func profilesOf(ctx context.Context, sources ...[]string) ([]*validate.Profile, error) {
	dir := *workDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "refit-beam-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	var specs []pipelines.Spec
	var outs []string
	for i, s := range sources {
		specs = append(specs, pipelines.Spec{Sources: s})
		outs = append(outs, strings.TrimSuffix(dir, "/")+"/"+filepath.Base(fmt.Sprintf("profile-%d.json", i)))
	}
	if err := pipelines.RunProfiles(ctx, specs, outs); err != nil {
		return nil, err
	}
	profs := make([]*validate.Profile, len(outs))
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
	Sources  []string           `json:"sources"`
	Rows     int64              `json:"rows"`
	Checks   int                `json:"checks"`
	Errors   int                `json:"errors"`
	Warnings int                `json:"warnings"`
	RowPass  bool               `json:"row_pass"`
	Findings []validate.Finding `json:"findings"`
}

func runAudit(ctx context.Context, args []string, stdout io.Writer) error {
	data, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(data) == 0 || *expect == "" {
		return fmt.Errorf("audit: want DATA... --expect expectations.yaml")
	}
	clock, err := parseNow(*now)
	if err != nil {
		return err
	}
	exp, err := validate.LoadExpectations(*expect)
	if err != nil {
		return err
	}
	profs, err := profilesOf(ctx, data)
	if err != nil {
		return err
	}
	ds, err := ingest.Open(ctx, data, ingest.Options{})
	if err != nil {
		return err
	}
	res, err := validate.Check(ctx, ds, profs[0], exp, validate.CheckOptions{Now: clock})
	if err != nil {
		return err
	}
	out := auditOutput{Sources: data, Rows: profs[0].Rows, Checks: res.Checks, Errors: res.Count(validate.SeverityError),
		Warnings: res.Count(validate.SeverityWarn), RowPass: res.RowPass, Findings: res.Findings}
	if out.Findings == nil {
		out.Findings = []validate.Finding{}
	}
	if err := writeAudit(stdout, out); err != nil {
		return err
	}
	if res.Failed() {
		return fmt.Errorf("%d error findings: %w", out.Errors, errFailed)
	}
	return nil
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
	profs, err := profilesOf(ctx, strings.Split(*reference, ","), strings.Split(*current, ","))
	if err != nil {
		return err
	}
	r, err := validate.Drift(ctx, profs[0], profs[1], validate.DriftOptions{})
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
	b, err := validate.ParseBound(s)
	if err != nil || !b.IsTime {
		return time.Time{}, fmt.Errorf("--now %q: want RFC 3339 (2024-03-01T02:00:00Z) or a date (2024-03-01)", s)
	}
	return b.Time, nil
}
