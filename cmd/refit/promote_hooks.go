package main

import (
	"context"
	"fmt"

	"github.com/refit-ml/refit/internal/hook"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

// promoteHooks calls the on_promote hooks of the --config file, if any,
// after `refit promote` committed, and reports each failure on stderr: the
// promotion stands whatever they do. A promotion that changed nothing (the
// alias already pointed there: its history's last entry is still seq)
// calls none.
func promoteHooks(cmd *cobra.Command, reg *registry.Registry, config, alias string, seq int64) []hook.Result {
	if config == "" {
		return nil
	}
	cfg, err := pipeline.Load(config)
	if err != nil || len(cfg.Hooks.OnPromote) == 0 {
		return nil // loaded before the promotion; cannot fail now
	}
	ctx := cmd.Context()
	hist, err := reg.History(ctx, alias)
	if err != nil || len(hist) == 0 || hist[len(hist)-1].Seq == seq {
		return nil
	}
	ev, err := pipeline.PromotionEvent(ctx, reg, alias, hist[len(hist)-1].To)
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "refit: warning: on_promote hooks not called: %v\n", err)
		return nil
	}
	res := hook.Call(ctx, cfg.Hooks.OnPromote, ev, cfg.HookOptions())
	for _, r := range res {
		if !r.OK {
			fmt.Fprintf(cmd.ErrOrStderr(), "refit: warning: on_promote hook %q failed (the promotion stands): %s\n", r.Target, r.Error)
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
