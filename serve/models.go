package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/score"
)

// ScoringOptions configure online scoring. The zero value is ready to use.
type ScoringOptions struct {
	// AllVersions serves every registered version by its id (v0003)
	// beside the champion alias. Defaults to the champion only.
	AllVersions bool
	// Poll is how often the catalog is asked where the champion alias
	// points (one indexed SELECT). Defaults to 1s.
	Poll time.Duration
	// MaxBodyBytes bounds a request body. Defaults to 64 MiB.
	MaxBodyBytes int64
	// MaxBatchRows bounds the rows of one request. Defaults to 65,536.
	MaxBatchRows int
	// Threads shares one large batch between goroutines
	// (score.Options.Threads). Defaults to 1.
	Threads int
}

func (o ScoringOptions) withDefaults() ScoringOptions {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 64 << 20
	}
	if o.MaxBatchRows <= 0 {
		o.MaxBatchRows = 1 << 16
	}
	return o
}

// champion is the alias the scoring endpoint serves by default.
const champion = registry.Champion

// versionRe matches registry version ids.
var versionRe = regexp.MustCompile(`^v[0-9]{4,}$`)

// models holds the scorers in service: the champion, swapped atomically
// when its alias moves, and (with AllVersions) versions loaded on first
// use.
type models struct {
	dir    string // the workspace
	opts   ScoringOptions
	logger *slog.Logger

	current atomic.Pointer[score.Scorer] // the champion; nil before there is one

	mu       sync.Mutex
	reg      *registry.Registry // opened once the workspace has a catalog
	versions map[string]*score.Scorer
	swaps    int // champion changes seen, for /metrics
}

func newModels(dir string, opts ScoringOptions, logger *slog.Logger) *models {
	return &models{dir: dir, opts: opts.withDefaults(), logger: logger, versions: map[string]*score.Scorer{}}
}

// registry returns the open catalog, opening it if the workspace has one
// by now.
func (ms *models) registry(ctx context.Context) (*registry.Registry, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.reg != nil {
		return ms.reg, nil
	}
	reg, err := registry.Open(ctx, ms.dir, registry.Options{MustExist: true})
	if err != nil {
		return nil, err
	}
	ms.reg = reg
	return reg, nil
}

// refresh loads the champion if its alias moved since the last look. A
// failure keeps the scorer in service.
func (ms *models) refresh(ctx context.Context) error {
	reg, err := ms.registry(ctx)
	if errors.Is(err, registry.ErrNoWorkspace) {
		return nil // no catalog yet: nothing to serve
	}
	if err != nil {
		return err
	}
	id, err := reg.Target(ctx, champion)
	if errors.Is(err, registry.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur := ms.current.Load(); cur != nil && cur.Source().Version == id {
		return nil
	}
	s, err := ms.load(ctx, reg, id, champion)
	if err != nil {
		return fmt.Errorf("loading the champion %s: %w", id, err)
	}
	old := ms.current.Swap(s)
	ms.mu.Lock()
	ms.swaps++
	ms.mu.Unlock()
	from := ""
	if old != nil {
		from = old.Source().Version
	}
	ms.logger.Info("champion in service", "version", id, "was", from)
	return nil
}

func (ms *models) load(ctx context.Context, reg *registry.Registry, id, ref string) (*score.Scorer, error) {
	m, src, err := score.LoadVersion(ctx, reg, id)
	if err != nil {
		return nil, err
	}
	src.Ref = ref
	return score.New(m, src, score.Options{Threads: ms.opts.Threads}), nil
}

// watch refreshes the champion every Poll until ctx ends.
func (ms *models) watch(ctx context.Context) {
	t := time.NewTicker(ms.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ms.refresh(ctx); err != nil && ctx.Err() == nil {
				ms.logger.Warn("checking the champion; keeping the one in service", "err", err)
			}
		}
	}
}

// errNoModel is a name the server does not serve; errNoChampion a
// champion alias that does not exist yet.
var (
	errNoModel    = errors.New("no such model")
	errNoChampion = errors.New("no champion yet")
)

// get returns the scorer for name: "champion" or, with AllVersions, a
// version id.
func (ms *models) get(ctx context.Context, name string) (*score.Scorer, error) {
	if name == champion {
		if s := ms.current.Load(); s != nil {
			return s, nil
		}
		return nil, errNoChampion
	}
	if !ms.opts.AllVersions || !versionRe.MatchString(name) {
		return nil, errNoModel
	}
	ms.mu.Lock()
	s := ms.versions[name]
	ms.mu.Unlock()
	if s != nil {
		return s, nil
	}
	reg, err := ms.registry(ctx)
	if err != nil {
		return nil, errNoModel
	}
	if s, err = ms.load(ctx, reg, name, name); errors.Is(err, registry.ErrNotFound) {
		return nil, errNoModel
	} else if err != nil {
		return nil, err
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if prev := ms.versions[name]; prev != nil {
		return prev, nil
	}
	ms.versions[name] = s
	return s, nil
}

// served lists the scorers with traffic so far, for /metrics: the
// champion in service and the versions loaded.
func (ms *models) served() (cur *score.Scorer, versions map[string]*score.Scorer, swaps int) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	versions = make(map[string]*score.Scorer, len(ms.versions))
	for k, v := range ms.versions {
		versions[k] = v
	}
	return ms.current.Load(), versions, ms.swaps
}

func (ms *models) close() {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.reg != nil {
		_ = ms.reg.Close()
		ms.reg = nil
	}
}
