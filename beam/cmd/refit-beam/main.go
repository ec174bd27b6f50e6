// Command refit-beam runs refit's profile, audit, drift and batch scoring as Apache Beam
// pipelines: in-process on prism by default, or on Flink, Spark or Dataflow
// through Beam's portable runners (see --runner, --endpoint).
//
//	refit-beam profile DATA... -o profile.json
//	refit-beam audit DATA... --expect expectations.yaml
//	refit-beam drift --reference REF --current CUR
//	refit-beam predict --model M --data D -o OUT/
//
// Exit codes: 0 ok, 1 when checks fail or a feature's drift alerts, 2 on
// errors and bad usage (one line on stderr).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

const (
	exitOK     = 0
	exitFailed = 1
	exitError  = 2
)

// errFailed marks a run that worked but whose checks failed.
var errFailed = errors.New("checks failed")

var commands = map[string]func(ctx context.Context, args []string, stdout io.Writer) error{
	"profile": runProfile,
	"audit":   runAudit,
	"drift":   runDrift,
	"predict": runPredict,
}

func main() {
	// A worker started by a runner gets only flags: beam.Init serves it
	// and exits.
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		flag.Parse()
		beam.Init()
		usage(os.Stderr)
		os.Exit(exitError)
	}
	// Prism and the SDK log every job step at Info; keep warnings only.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	os.Exit(run(context.Background(), os.Args[1], os.Args[2:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "refit-beam: unknown command %q: want profile, audit, drift or predict\n", name)
		return exitError
	}
	err := cmd(ctx, args, stdout)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFailed):
		fmt.Fprintf(stderr, "refit-beam: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stderr, "refit-beam: %s\n", jobCause(strings.ReplaceAll(err.Error(), "\n", " ")))
	return exitError
}

// jobCause shortens a failed job's error, which the runner wraps in its
// bundle and plan descriptions, to the DoFn's own error (refit's, naming
// the file, row group and column).
func jobCause(msg string) string {
	const mark = "] failed: "
	if i := strings.LastIndex(msg, mark); i >= 0 {
		return "job failed: " + msg[i+len(mark):]
	}
	return msg
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `usage: refit-beam profile DATA... -o profile.json
       refit-beam audit DATA... --expect expectations.yaml [--format json] [--max-keys N]
       refit-beam drift --reference REF --current CUR [--format json]
       refit-beam predict --model M --data D -o OUT/
runner flags (Beam's): --runner prism (default, in-process) | flink | spark | dataflow | universal,
  --endpoint HOST:PORT (job server), --environment_type DOCKER|LOOPBACK|PROCESS, ...`)
}

// parseArgs parses flags anywhere among args on Beam's command line (so
// --runner and --endpoint work after the command) and returns the rest,
// then initializes Beam.
func parseArgs(args []string) ([]string, error) {
	var rest []string
	for {
		if err := flag.CommandLine.Parse(args); err != nil {
			return nil, err
		}
		args = flag.Args()
		if len(args) == 0 {
			break
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
	beam.Init()
	return rest, nil
}
