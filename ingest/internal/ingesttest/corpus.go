package ingesttest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// CorpusMutant is a mutant of the campaign (PCG seed, index) that once
// ended in a recovered panic, a huge allocation or an error of the wrong
// class; it is kept in the fuzz corpus as a regression input.
type CorpusMutant struct {
	Seed  uint64
	Index int
	Why   string
}

// WriteFuzzCorpus writes testdata/fuzz/target: the reproductions (by
// name) and the mutants, made from seeds as RunMutation makes them. It
// runs only with REFIT_WRITE_FUZZ_CORPUS=1 (and REFIT_SHARED, whose
// conformance files the mutants come from); `go test` then runs the
// corpus as part of the fuzz target.
func WriteFuzzCorpus(t *testing.T, target string, reproductions func(*testing.T) map[string][]byte, mutants []CorpusMutant, seeds func(*testing.T) []*Seed) {
	if os.Getenv("REFIT_WRITE_FUZZ_CORPUS") != "1" {
		t.Skip("set REFIT_WRITE_FUZZ_CORPUS=1 to write the fuzz corpus")
	}
	dir := filepath.Join("testdata", "fuzz", target)
	write := func(name string, data []byte) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		enc := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(enc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range reproductions(t) {
		write(name, data)
	}
	ss := seeds(t)
	for _, c := range mutants {
		s := ss[c.Index%len(ss)]
		m := s.Mutate(rand.New(rand.NewPCG(c.Seed, uint64(c.Index))))
		write(fmt.Sprintf("mutant-%d-%d", c.Seed, c.Index), m.Data)
	}
}
