package pipelines

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/rtrackers/offsetrange"
	"github.com/refit-ml/refit/ingest"
)

// Spec names a dataset: the paths (files, directories, globs) refit's
// ingest reads as one table. It travels as the JSON string of the source's
// element, so workers open the same dataset.
type Spec struct {
	Sources []string `json:"sources"`
}

// String encodes s as the source element.
func (s Spec) String() string {
	b, _ := json.Marshal(s) // a struct of strings always encodes
	return string(b)
}

// datasets caches opened datasets by their element, once per worker
// process: opening reads every file's footer.
var datasets struct {
	mu sync.Mutex
	m  map[string]*ingest.Dataset
}

// openSpec returns the dataset of an encoded Spec, opening it on first use.
func openSpec(ctx context.Context, elem string) (*ingest.Dataset, error) {
	datasets.mu.Lock()
	defer datasets.mu.Unlock()
	if ds, ok := datasets.m[elem]; ok {
		return ds, nil
	}
	var s Spec
	if err := json.Unmarshal([]byte(elem), &s); err != nil {
		return nil, fmt.Errorf("pipelines: decoding dataset spec: %w", err)
	}
	ds, err := ingest.Open(ctx, s.Sources, ingest.Options{Parallelism: 1})
	if err != nil {
		return nil, err
	}
	if datasets.m == nil {
		datasets.m = map[string]*ingest.Dataset{}
	}
	datasets.m[elem] = ds
	return ds, nil
}

// partSource is the splittable part of every reading DoFn: its restriction
// is the range of a dataset's part indices, split into one part each.
type partSource struct{}

// CreateInitialRestriction is every part of the dataset.
func (partSource) CreateInitialRestriction(ctx context.Context, elem string) (offsetrange.Restriction, error) {
	ds, err := openSpec(ctx, elem)
	if err != nil {
		return offsetrange.Restriction{}, err
	}
	return offsetrange.Restriction{Start: 0, End: int64(len(ds.Parts()))}, nil
}

// SplitRestriction makes one restriction per part: one element of work
// is one row group or record batch.
func (partSource) SplitRestriction(_ string, rest offsetrange.Restriction) []offsetrange.Restriction {
	return rest.SizedSplits(1)
}

// RestrictionSize is the number of parts.
func (partSource) RestrictionSize(_ string, rest offsetrange.Restriction) float64 { return rest.Size() }

// CreateTracker tracks claimed part indices.
func (partSource) CreateTracker(rest offsetrange.Restriction) *sdf.LockRTracker {
	return sdf.NewLockRTracker(offsetrange.NewTracker(rest))
}

// eachPart claims the parts of rt's restriction in order and calls fn
// with each; it stops at the first error.
func eachPart(ctx context.Context, rt *sdf.LockRTracker, elem string, fn func(ds *ingest.Dataset, index int, p ingest.Part) error) error {
	ds, err := openSpec(ctx, elem)
	if err != nil {
		return err
	}
	parts := ds.Parts()
	rest := rt.GetRestriction().(offsetrange.Restriction)
	for i := rest.Start; rt.TryClaim(i); i++ {
		if i >= int64(len(parts)) {
			return fmt.Errorf("pipelines: part %d of %d: the dataset changed since the pipeline started", i, len(parts))
		}
		if err := fn(ds, int(i), parts[i]); err != nil {
			return err
		}
	}
	return rt.GetError()
}
