// Package hook calls the commands and URLs configured under
// hooks.on_promote in refit.yaml after a promotion has committed, with the
// promoted version's model card as JSON: on a command's standard input, or
// as the body of an HTTP POST.
//
// A hook never undoes or blocks a promotion: each is called once, with a
// timeout, and its failure (an exit status, an HTTP status other than 2xx,
// a timeout) is returned as a Result for the caller to record and log.
// Hooks run one after the other, in the configured order.
package hook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/refit-ml/refit/registry"
)

// DefaultTimeout bounds each hook when the config sets none.
const DefaultTimeout = 30 * time.Second

// Event is what a hook receives: the promotion and the promoted version's
// model card.
type Event struct {
	// Event is "promote".
	Event string `json:"event"`
	// Alias moved From one version To another ("" From: it was created).
	Alias string `json:"alias"`
	From  string `json:"from,omitempty"`
	To    string `json:"to"`
	// Run is the pipeline run that promoted, "" for `refit promote`.
	Run string `json:"run,omitempty"`
	// Actor and Reason are what the alias history records.
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Forced bool      `json:"forced,omitempty"`
	At     time.Time `json:"at"`
	// Workspace is the workspace's directory.
	Workspace string `json:"workspace"`
	// Version is the promoted version as the registry has it: lineage,
	// metrics, gate verdict and artifacts with their paths and SHA-256.
	Version registry.Version `json:"version"`
	// ModelCard is the version's MODEL_CARD.md (Markdown), "" when it has
	// none (versions registered by hand).
	ModelCard string `json:"model_card,omitempty"`
}

// modelCardArtifact is the model card a pipeline run registers.
const modelCardArtifact = "MODEL_CARD.md"

// NewEvent describes the promotion of v to alias (from the previous
// target), reading its model card.
func NewEvent(workspace, alias, from string, v registry.Version, h registry.HistoryEntry) Event {
	ev := Event{Event: "promote", Alias: alias, From: from, To: v.ID, Run: v.RunID, Actor: h.Actor,
		Reason: h.Reason, Forced: h.Forced, At: h.At, Workspace: workspace, Version: v}
	if a, ok := v.Artifact(modelCardArtifact); ok {
		if card, err := os.ReadFile(a.Path); err == nil {
			ev.ModelCard = string(card)
		}
	}
	return ev
}

// Result is the outcome of one hook.
type Result struct {
	Target string `json:"target"`
	OK     bool   `json:"ok"`
	// Error says why the hook failed: the exit status and the end of its
	// standard error, the HTTP status, or a timeout.
	Error   string  `json:"error,omitempty"`
	Seconds float64 `json:"seconds"`
}

// IsURL reports whether a hook target is an HTTP(S) URL rather than a
// command.
func IsURL(target string) bool {
	return strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://")
}

// Options are how hooks are called.
type Options struct {
	// Timeout bounds each hook. Defaults to DefaultTimeout.
	Timeout time.Duration
	// Dir is the working directory of commands (the config file's
	// directory). Defaults to the process's.
	Dir string
}

// Call runs every target with ev and returns one Result per target in
// order. It never fails: the failures are in the results.
func Call(ctx context.Context, targets []string, ev Event, opts Options) []Result {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	body, err := json.Marshal(ev)
	if err != nil { // an Event always encodes; report it per target anyway
		body = nil
	}
	out := make([]Result, len(targets))
	for i, t := range targets {
		start := time.Now()
		err := err
		if err == nil {
			err = callOne(ctx, t, body, ev, timeout, opts.Dir)
		}
		out[i] = Result{Target: t, OK: err == nil, Seconds: time.Since(start).Seconds()}
		if err != nil {
			out[i].Error = err.Error()
		}
	}
	return out
}

func callOne(ctx context.Context, target string, body []byte, ev Event, timeout time.Duration, dir string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var err error
	if IsURL(target) {
		err = post(ctx, target, body)
	} else {
		err = command(ctx, target, body, ev, dir)
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s", timeout)
	}
	return err
}

// post sends body to url; a status other than 2xx is an error.
func post(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "refit-hook")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %s: %s", resp.Status, oneLine(string(msg)))
	}
	return nil
}

// command runs target with sh -c in dir, the event on its standard input and in
// REFIT_* variables; a non-zero exit is an error naming the end of its
// standard error.
func command(ctx context.Context, target string, body []byte, ev Event, dir string) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", target)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(body)
	cmd.Env = append(os.Environ(), "REFIT_EVENT="+ev.Event, "REFIT_ALIAS="+ev.Alias,
		"REFIT_VERSION="+ev.To, "REFIT_FROM="+ev.From, "REFIT_RUN="+ev.Run, "REFIT_WORKSPACE="+ev.Workspace)
	var stderr tail
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second // a child holding the pipes open
	if err := cmd.Run(); err != nil {
		if s := oneLine(stderr.String()); s != "" {
			return fmt.Errorf("%w: %s", err, s)
		}
		return err
	}
	return nil
}

// tail keeps the last 512 bytes written to it.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 512 {
		t.b = t.b[len(t.b)-512:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
