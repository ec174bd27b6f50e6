package model

import (
	"sync"
	"sync/atomic"
	"time"
)

// helperTask is work handed to the helper goroutine.
type helperTask interface{ runHelper() }

// helperJob is one task and where to report its completion.
type helperJob struct {
	task helperTask
	done chan<- struct{}
}

// helperPool is one goroutine, started on first use and kept for the life
// of the process, that takes a share of large batches for models and
// layers built WithThreads(2) or more: a Predictor gives it whole blocks
// of rows, an Int8Dense half the rows of one block. It serves one caller
// at a time; a caller that finds it busy does all the work itself, so
// nested or concurrent callers never wait for each other.
type helperPool struct {
	once      sync.Once
	busy      atomic.Bool
	work      chan helperJob
	active    atomic.Int32 // callers inside enter/leave
	lastLeave atomic.Int64 // when the last leave happened, Unix ns
}

var helpers helperPool

// tryRun starts task on the helper and reports whether it did. If it did,
// the helper sends on done when the task has finished; if not (the helper
// is busy), the caller must run the task itself.
func (p *helperPool) tryRun(task helperTask, done chan<- struct{}) bool {
	p.once.Do(func() {
		p.work = make(chan helperJob, 1)
		go func() {
			for {
				j := p.next()
				j.task.runHelper()
				p.busy.Store(false)
				j.done <- struct{}{}
			}
		}()
	})
	if !p.busy.CompareAndSwap(false, true) {
		return false
	}
	p.work <- helperJob{task: task, done: done}
	return true
}

// spinWait is how long the helper keeps polling for the next job after
// the last caller that might give it one has finished. Waking a parked
// goroutine's thread takes from tens to hundreds of µs on a VM, as long as
// a whole 1024-row batch; polling while callers are active, and briefly
// after, lets back-to-back batches find the helper awake, at the price of
// at most spinWait of CPU after the last one.
const spinWait = 50 * time.Microsecond

// enter and leave bracket a caller's call that may hand work to the
// helper, so that the helper keeps polling in between.
func (p *helperPool) enter() { p.active.Add(1) }

func (p *helperPool) leave() {
	p.lastLeave.Store(time.Now().UnixNano())
	p.active.Add(-1)
}

// next returns the next job, polling while a caller is active and until
// spinWait after the last left, then blocking.
func (p *helperPool) next() helperJob {
	for i := 0; ; i++ {
		select {
		case j := <-p.work:
			return j
		default:
		}
		if i%64 == 63 && p.active.Load() == 0 &&
			time.Now().UnixNano()-p.lastLeave.Load() > int64(spinWait) {
			return <-p.work
		}
	}
}
