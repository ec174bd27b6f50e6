package promotion

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/refit-ml/refit/internal/hook"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
)

// Change is an alias's latest change, as promote and rollback report it.
type Change struct {
	Alias  string `json:"alias"`
	From   string `json:"from"`
	To     string `json:"to"`
	Kind   string `json:"kind"`
	Forced bool   `json:"forced,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Hooks are the results of the config's on_promote hooks.
	Hooks []hook.Result `json:"hooks,omitempty"`
}

// WriteText writes the change in one line: "promote: champion v1 -> v2".
func (c Change) WriteText(w io.Writer) error {
	note := ""
	if c.Forced {
		note = " (forced)"
	}
	from := c.From
	if from == "" {
		from = "-"
	}
	_, err := fmt.Fprintf(w, "%s: %s %s -> %s%s\n", c.Kind, c.Alias, from, c.To, note)
	return err
}

// LastChange is alias's latest change in reg's history, with hooks.
func LastChange(ctx context.Context, reg *registry.Registry, alias string, hooks []hook.Result) (Change, error) {
	hist, err := reg.History(ctx, alias)
	if err != nil {
		return Change{}, err
	}
	if len(hist) == 0 {
		return Change{}, fmt.Errorf("alias %s has no history", alias)
	}
	h := hist[len(hist)-1]
	return Change{Alias: h.Alias, From: h.From, To: h.To, Kind: h.Kind, Forced: h.Forced, Reason: h.Reason, Hooks: hooks}, nil
}

// PromoteRequest is one promotion of a version to an alias.
type PromoteRequest struct {
	Version, Alias string
	// Options are the registry's: Force and Reason; Actor defaults to
	// [Actor].
	Options registry.PromoteOptions
	// Config is a refit.yaml whose hooks.on_promote are called once the
	// promotion commits; "" calls none.
	Config string
	// Warn receives a line for each hook that could not be called or
	// failed: the promotion stands whatever they do.
	Warn io.Writer
}

// Promote points req.Alias at req.Version in reg (see registry.Promote:
// a version whose gate did not pass is refused with ErrGateNotPassed
// unless forced), calls the on_promote hooks when the alias moved, and
// returns the change.
func Promote(ctx context.Context, reg *registry.Registry, req PromoteRequest) (Change, error) {
	if req.Options.Actor == "" {
		req.Options.Actor = Actor()
	}
	seq := historySeq(ctx, reg, req.Alias)
	if err := reg.Promote(ctx, req.Version, req.Alias, req.Options); err != nil {
		return Change{}, err
	}
	return LastChange(ctx, reg, req.Alias, callHooks(ctx, reg, req, seq))
}

// Rollback moves alias back to its target before its latest promotion
// and returns the change.
func Rollback(ctx context.Context, reg *registry.Registry, alias string, opts registry.RollbackOptions) (Change, error) {
	if opts.Actor == "" {
		opts.Actor = Actor()
	}
	if _, err := reg.Rollback(ctx, alias, opts); err != nil {
		return Change{}, err
	}
	return LastChange(ctx, reg, alias, nil)
}

// callHooks calls the on_promote hooks of req.Config, if any, after a
// promotion committed, and reports each failure on req.Warn. A promotion
// that changed nothing (the alias already pointed there: its history's
// last entry is still seq) calls none.
func callHooks(ctx context.Context, reg *registry.Registry, req PromoteRequest, seq int64) []hook.Result {
	if req.Config == "" {
		return nil
	}
	if req.Warn == nil {
		req.Warn = io.Discard
	}
	cfg, err := pipeline.Load(req.Config)
	if err != nil || len(cfg.Hooks.OnPromote) == 0 {
		return nil // loaded before the promotion; cannot fail now
	}
	hist, err := reg.History(ctx, req.Alias)
	if err != nil || len(hist) == 0 || hist[len(hist)-1].Seq == seq {
		return nil
	}
	ev, err := pipeline.PromotionEvent(ctx, reg, req.Alias, hist[len(hist)-1].To)
	if err != nil {
		fmt.Fprintf(req.Warn, "refit: warning: on_promote hooks not called: %v\n", err)
		return nil
	}
	res := hook.Call(ctx, cfg.Hooks.OnPromote, ev, cfg.HookOptions())
	for _, r := range res {
		if !r.OK {
			fmt.Fprintf(req.Warn, "refit: warning: on_promote hook %q failed (the promotion stands): %s\n", r.Target, r.Error)
		}
	}
	return res
}

// historySeq is the sequence number of alias's latest change, 0 when it
// has none.
func historySeq(ctx context.Context, reg *registry.Registry, alias string) int64 {
	hist, err := reg.History(ctx, alias)
	if err != nil || len(hist) == 0 {
		return 0
	}
	return hist[len(hist)-1].Seq
}

// Actor names who changed an alias or a quarantine from the command line:
// $USER, or "cli".
func Actor() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}
