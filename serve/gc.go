package serve

import (
	"runtime/debug"
	"sync"
)

// gcSettings are the garbage collector settings a Server replaced, to
// put back at Stop.
type gcSettings struct {
	once       sync.Once
	percent    int   // the previous GC percent, when set
	limit      int64 // the previous memory limit, when set
	setPercent bool
	setLimit   bool
}

// setGC applies Options.GCPercent and MemoryLimit (zero leaves each as
// it is) and returns what they replaced.
func setGC(percent int, limit int64) *gcSettings {
	g := new(gcSettings)
	if percent > 0 {
		g.percent, g.setPercent = debug.SetGCPercent(percent), true
	}
	if limit > 0 {
		g.limit, g.setLimit = debug.SetMemoryLimit(limit), true
	}
	return g
}

// restore puts the replaced settings back, once; a nil g (a Server
// never started) has nothing to restore.
func (g *gcSettings) restore() {
	if g == nil {
		return
	}
	g.once.Do(func() {
		if g.setPercent {
			debug.SetGCPercent(g.percent)
		}
		if g.setLimit {
			debug.SetMemoryLimit(g.limit)
		}
	})
}
