package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/serve"
)

// clients is the number of client connections.
const clients = 2

type loadTest struct {
	base      string
	rows      *requestRows
	dur       time.Duration
	ws, other string
	swapEvery time.Duration
	client    *http.Client
}

func (lt *loadTest) run(ctx context.Context, phase string, rate float64) error {
	lt.client = &http.Client{Transport: &http.Transport{MaxConnsPerHost: clients, MaxIdleConnsPerHost: clients}, Timeout: 10 * time.Second}
	defer lt.client.CloseIdleConnections()
	fmt.Printf("%s (%d connections, %s, load %s)\n", phase, clients, lt.dur, loadavg())
	switch phase {
	case "json-rate":
		return lt.jsonRate(rate)
	case "json-peak":
		n, fails, err := lt.closedLoop(lt.jsonRequest, nil)
		fmt.Printf("  %d requests in %s: %.0f req/s, %d failed (%v)\n", n, lt.dur, float64(n)/lt.dur.Seconds(), fails, err)
	case "arrow":
		n, fails, err := lt.closedLoop(lt.arrowRequest, nil)
		fmt.Printf("  %d requests of %d rows in %s: %.2f M rows/s, %d failed (%v)\n", n, lt.rows.batch, lt.dur, float64(n)*float64(lt.rows.batch)/lt.dur.Seconds()/1e6, fails, err)
	case "swap":
		return lt.swap(ctx)
	case "noop":
		return lt.noop()
	default:
		return fmt.Errorf("unknown phase %q", phase)
	}
	return nil
}

// post sends one request and returns the version that answered.
func (lt *loadTest) post(contentType string, body []byte) (string, error) {
	resp, err := lt.client.Post(lt.base+"/v2/models/champion/infer", contentType, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return "", fmt.Errorf("status %s: %s", resp.Status, msg)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", err
	}
	return resp.Header.Get(serve.VersionHeader), nil
}

func (lt *loadTest) jsonRequest(i int) (string, error) {
	return lt.post("application/json", lt.rows.json[i%len(lt.rows.json)])
}

func (lt *loadTest) arrowRequest(int) (string, error) {
	return lt.post("application/vnd.apache.arrow.stream", lt.rows.arrow)
}

// closedLoop sends requests on every connection back to back for the
// phase's duration; seen, if not nil, gets each answering version.
func (lt *loadTest) closedLoop(send func(int) (string, error), seen func(string)) (n, fails int64, firstErr error) {
	var count, failed atomic.Int64
	var once sync.Once
	cpu0, start := cpuTime(), time.Now()
	defer func() {
		cpu, wall := cpuTime()-cpu0, time.Since(start)
		fmt.Printf("  cpu %.1f µs per request (client and server, this process), %.2f cores busy\n",
			float64(cpu.Microseconds())/float64(max(n, 1)), cpu.Seconds()/wall.Seconds())
	}()
	deadline := time.Now().Add(lt.dur)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for i := w; time.Now().Before(deadline); i += clients {
				v, err := send(i)
				count.Add(1)
				if err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
					continue
				}
				if seen != nil {
					seen(v)
				}
			}
		})
	}
	wg.Wait()
	return count.Load(), failed.Load(), firstErr
}

// cpuTime is the user and system CPU time of this process so far: on a
// shared machine, CPU per request is steadier than requests per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// jsonRate sends single-row requests at rate (open loop: each request
// has a scheduled time) and reports latency percentiles.
func (lt *loadTest) jsonRate(rate float64) error {
	interval := time.Duration(float64(time.Second) * clients / rate)
	total := int(lt.dur / interval)
	lat := make([][]time.Duration, clients)
	svc := make([][]time.Duration, clients)
	var fails atomic.Int64
	start := time.Now().Add(10 * time.Millisecond)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for k := range total {
				at := start.Add(time.Duration(k)*interval + time.Duration(w)*interval/clients)
				time.Sleep(time.Until(at))
				sent := time.Now()
				if _, err := lt.jsonRequest(k*clients + w); err != nil {
					fails.Add(1)
				}
				lat[w] = append(lat[w], time.Since(at))
				svc[w] = append(svc[w], time.Since(sent))
			}
		})
	}
	wg.Wait()
	all, service := slices.Concat(lat...), slices.Concat(svc...)
	fmt.Printf("  %d requests at %.0f req/s: from the scheduled send p50 %s, p99 %s; from the actual send p50 %s, p99 %s; %d failed\n",
		len(all), rate, pct(all, 50), pct(all, 99), pct(service, 50), pct(service, 99), fails.Load())
	return nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p/100))].Round(time.Microsecond)
}

// swap runs json-peak while the champion moves between its version and
// lt.other every swapEvery, then checks every response.
func (lt *loadTest) swap(ctx context.Context) error {
	reg, err := registry.Open(ctx, lt.ws, registry.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer reg.Close()
	first, err := reg.Target(ctx, registry.Champion)
	if err != nil {
		return err
	}
	champions := map[string]bool{first: true, lt.other: true}
	var mu sync.Mutex
	byVersion := map[string]int{}
	stop := make(chan struct{})
	moves := make(chan int)
	go func() { moves <- lt.moveChampion(ctx, reg, stop) }()
	n, fails, firstErr := lt.closedLoop(lt.jsonRequest, func(v string) {
		mu.Lock()
		byVersion[v]++
		mu.Unlock()
	})
	close(stop)
	moved := <-moves
	stray := 0
	for v, c := range byVersion {
		if !champions[v] {
			stray += c
		}
	}
	fmt.Printf("  %d requests, %d champion moves: %d failed (%v), by version %v, %d from a version never champion\n", n, moved, fails, firstErr, byVersion, stray)
	if fails > 0 || stray > 0 {
		os.Exit(1)
	}
	return nil
}

// moveChampion promotes lt.other and rolls back, alternately, until stop;
// it leaves the first champion in place and returns the moves made.
func (lt *loadTest) moveChampion(ctx context.Context, reg *registry.Registry, stop chan struct{}) int {
	moves := 0
	t := time.NewTicker(lt.swapEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			if moves%2 == 1 {
				_, _ = reg.Rollback(ctx, registry.Champion, registry.RollbackOptions{Reason: "load test"})
			}
			return moves
		case <-t.C:
		}
		var err error
		if moves%2 == 0 {
			err = reg.Promote(ctx, lt.other, registry.Champion, registry.PromoteOptions{Force: true, Reason: "load test", Actor: "loadserve"})
		} else {
			_, err = reg.Rollback(ctx, registry.Champion, registry.RollbackOptions{Reason: "load test"})
		}
		if err != nil {
			fmt.Println("  moving the champion:", err)
			continue
		}
		moves++
	}
}

// noop measures, as a ceiling, a handler that reads the same request and
// answers 200 with nothing else: the HTTP stack and the client alone on
// this machine, now.
func (lt *loadTest) noop() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set(serve.VersionHeader, "noop")
	})}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := lt.base
	lt.base = "http://" + ln.Addr().String()
	defer func() { lt.base = base }()
	n, fails, err := lt.closedLoop(lt.jsonRequest, nil)
	fmt.Printf("  %d requests in %s: %.0f req/s, %d failed (%v)\n", n, lt.dur, float64(n)/lt.dur.Seconds(), fails, err)
	return nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return string(bytes.Fields(b)[0])
}
