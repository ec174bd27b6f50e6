package train

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/refit-ml/refit/model"
)

// BenchmarkStep times one training step (forward, backward, Adam) of the
// flights network, 482-64-32-1 with 5 slots per row (distance, hour,
// weekday, origin, destination), on random rows, per batch size and
// thread count.
func BenchmarkStep(b *testing.B) {
	for _, batch := range []int{512, 1024} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("batch=%d/threads=%d", batch, threads), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 2))
				n, err := newNet(netSpec{widths: []int{482, 64, 32, 1}, batch: batch, slots: 5, threads: threads,
					task: model.TaskBinary, act: model.ReLU, lr: 0.002}, rng)
				if err != nil {
					b.Fatal(err)
				}
				defer n.close()
				n.averageWeights(0.999)
				fillRandom(n, rng)
				b.ReportAllocs()
				cpu0 := cpuTime()
				for b.Loop() {
					if _, err := n.step(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// fillRandom fills the net's batch with random flights-like rows.
func fillRandom(n *net, rng *rand.Rand) {
	f := n.first
	offs := []int32{0, 1, 25, 32, 257}
	for r := range n.batch {
		for s, off := range offs {
			f.idx[r*5+s], f.val[r*5+s] = off, 1
			switch s {
			case 0:
				f.val[r*5+s] = float32(rng.NormFloat64())
			case 1:
				f.idx[r*5+s] += int32(rng.IntN(24))
			case 2:
				f.idx[r*5+s] += int32(rng.IntN(7))
			default:
				f.idx[r*5+s] += int32(rng.IntN(225))
			}
		}
		n.rb[r] = 1 / float32(n.batch)
		n.yb[r] = n.rb[r] * float32(rng.IntN(2))
	}
}

// cpuTime is the process's user and system CPU time so far: on a loaded
// machine it moves less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
