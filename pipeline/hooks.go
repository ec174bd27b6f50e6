package pipeline

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/refit-ml/refit/internal/hook"
	"github.com/refit-ml/refit/registry"
)

// HooksConfig lists what refit calls after an event, like MLflow's
// registry webhooks.
type HooksConfig struct {
	// OnPromote are called, in order, after a promotion commits (a run's,
	// or `refit promote --config`): an http:// or https:// URL gets the
	// model card as JSON in a POST; anything else is a command run with
	// sh -c in the config file's directory, the JSON on its standard
	// input. A failure is recorded (the run's record, the log) and never
	// undoes the promotion. Optional.
	OnPromote []string `yaml:"on_promote"`
	// Timeout bounds each hook. Defaults to 30s.
	Timeout Duration `yaml:"timeout"`
}

// HookOptions are how the config's hooks are called.
func (c *Config) HookOptions() hook.Options {
	return hook.Options{Timeout: time.Duration(c.Hooks.Timeout), Dir: c.dir}
}

func (c *Config) checkHooks(p *problems) {
	for i, t := range c.Hooks.OnPromote {
		keys := []string{"hooks", "on_promote", strconv.Itoa(i)}
		switch {
		case t == "":
			p.add(keys, "empty: give a command or an http(s) URL")
		case hook.IsURL(t):
			if u, err := url.Parse(t); err != nil || u.Host == "" {
				p.add(keys, "URL %q: want http(s)://host/path", t)
			}
		}
	}
}

// callHooks calls the on_promote hooks after a run's promotion committed
// and records their results in the run's record, which is rewritten. A
// failed hook is a warning in the log; the promotion stands.
func (r *run) callHooks(ctx context.Context) {
	if r.promo == nil || len(r.cfg.Hooks.OnPromote) == 0 {
		return
	}
	ev, err := PromotionEvent(ctx, r.reg, r.promo.Alias, r.promo.Version)
	if err != nil {
		r.opts.Logger.Warn("on_promote hooks not called", "version", r.promo.Version, "err", err)
		return
	}
	r.rec.Hooks = hook.Call(ctx, r.cfg.Hooks.OnPromote, ev, r.cfg.HookOptions())
	for _, h := range r.rec.Hooks {
		if !h.OK {
			r.opts.Logger.Warn("on_promote hook failed; the promotion stands", "hook", h.Target, "err", h.Error)
		}
	}
	if err := writeRecord(r.dir, r.rec); err != nil {
		r.opts.Logger.Warn("recording the on_promote hooks", "err", err)
	}
}

// PromotionEvent describes the latest change of alias (default champion),
// which promoted version, for hooks.
func PromotionEvent(ctx context.Context, reg *registry.Registry, alias, version string) (hook.Event, error) {
	if alias == "" {
		alias = registry.Champion
	}
	v, err := reg.Get(ctx, version)
	if err != nil {
		return hook.Event{}, err
	}
	hist, err := reg.History(ctx, alias)
	if err != nil {
		return hook.Event{}, err
	}
	var last registry.HistoryEntry
	if len(hist) > 0 {
		last = hist[len(hist)-1]
	}
	return hook.NewEvent(reg.Dir(), alias, last.From, v, last), nil
}
