// Command refit keeps tabular models healthy on a schedule: it reads Parquet
// and Arrow data, audits it, measures drift, retrains, optimizes, evaluates
// and promotes models behind gates. Run `refit --help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	// The IANA zone database, for CRON_TZ/TZ schedules and zoned timestamps
	// on hosts without one (minimal containers): the time package uses it
	// only when the system's database is missing. It adds about 420 KB.
	_ "time/tzdata"

	"github.com/refit-ml/refit/ingest"
	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // checks or gates failed
	exitError  = 2 // bad input or usage
)

// cli is the state the commands share, handed to each command constructor
// (as pebble's tool.T is) instead of kept in package variables, so that
// commands, and their tests, can run side by side in one process. The root
// command's flags set it before any command runs.
type cli struct {
	// limits are the limits every command reads data with.
	limits ingest.Limits
	// log is where commands log: stderr at --log-level. Commands pass it
	// down explicitly; nothing uses slog's default logger.
	log *slog.Logger
}

// ingestOptions are the options every command opens data with.
func (c *cli) ingestOptions() ingest.Options {
	return ingest.Options{Limits: c.limits, Logger: c.log}
}

// errFailed marks a run that worked but whose checks or gates failed.
var errFailed = errors.New("checks failed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFailed):
		return exitFailed
	}
	fmt.Fprintf(stderr, "refit: %v\n", err)
	if errors.Is(err, ingest.ErrLimit) {
		fmt.Fprintln(stderr, "refit: if the file is trusted, --max-page-mib and --max-ratio raise the page limits")
	}
	return exitError
}

func newRoot() *cobra.Command {
	c := &cli{log: slog.New(slog.DiscardHandler)}
	var logLevel string
	var maxPageMiB, maxRatio int64
	root := &cobra.Command{
		Use:   "refit",
		Short: "Keep tabular models healthy on a schedule",
		Long: `refit reads Parquet and Arrow IPC datasets, checks their quality and
edge-case coverage, measures drift against the data the current model was
trained on, retrains when drift or live errors cross thresholds, prunes and
int8-quantizes the new model, evaluates it against the champion, and promotes
it only when every gate passes.

Data sources are files, directories (read recursively) or globs with "**";
directories named key=value become columns. Formats are detected from the
files' magic bytes.

Exit codes: 0 ok, 1 checks or gates failed, 2 bad input or usage.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if maxPageMiB <= 0 {
				return fmt.Errorf("--max-page-mib %d: want a positive size", maxPageMiB)
			}
			if maxRatio <= 0 {
				return fmt.Errorf("--max-ratio %d: want a positive ratio", maxRatio)
			}
			c.limits.MaxPageBytes = maxPageMiB << 20
			c.limits.MaxRatio = maxRatio
			log, err := newLogger(cmd.ErrOrStderr(), logLevel)
			c.log = log
			return err
		},
	}
	root.PersistentFlags().Int64Var(&maxPageMiB, "max-page-mib", 1024, "refuse Parquet pages and Arrow messages larger than this many MiB (protects against hostile files)")
	root.PersistentFlags().Int64Var(&maxRatio, "max-ratio", 1000, "refuse Parquet pages and compressed Arrow buffers of more than 8 MiB that decompress to more than this many times their size")
	root.PersistentFlags().StringVar(&logLevel, "log-level", "warn", "log level: debug, info, warn or error (logs go to stderr)")
	root.AddCommand(newInspectCmd(c), newCatCmd(c), newTrainCmd(c), newPredictCmd(c), newEvaluateCmd(c), newGateCmd(c), newModelsCmd(c), newPromoteCmd(c), newRollbackCmd(c), newDriftCmd(c), newDemoCmd(c), newOptimizeCmd(c), newProfileCmd(c), newInferCmd(c), newAuditCmd(c), newRunCmd(c), newBacktestCmd(c), newServeCmd(c), newScheduleCmd(c), newRunsCmd(c), newQuarantineCmd(c), newExportCmd(c), newCatalogCmd(c))
	root.AddCommand(newVersionCmd(c), newInitCmd(c))
	setVersion(root)
	root.SetHelpCommand(newHelpCmd(root))
	root.AddCommand(newEstimateCmd(c))
	addUsageHints(root)
	return root
}

// newLogger returns a text logger writing to w at level, or a discarding
// one and an error when level is not a level's name.
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return slog.New(slog.DiscardHandler), fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// addUsageHints makes argument and flag errors point at the command's help.
func addUsageHints(cmd *cobra.Command) {
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	})
	for _, c := range cmd.Commands() {
		if args := c.Args; args != nil {
			c.Args = func(c *cobra.Command, a []string) error {
				if err := args(c, a); err != nil {
					return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
				}
				return nil
			}
		}
		addUsageHints(c)
	}
}
