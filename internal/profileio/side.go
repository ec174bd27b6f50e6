// Package profileio gets validate's profiles from where they are kept: the
// two sides of a drift comparison (data, filtered by an expression, or a
// profile saved as JSON), saved profiles and the shard files of a split
// profiling, merged back into one. Drift compares two sides; it also
// reads the rows of data sides for what drift costs a model (DriftCost),
// and DriftRun is the comparison's result as text or JSON.
package profileio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/internal/rowsel"
	"github.com/refit-ml/refit/validate/profile"
)

// Side is one side of a comparison: data sources, or one saved profile,
// and a row filter.
type Side struct {
	// Sources are files, directories or globs of data, or the path of one
	// saved profile (a file starting with '{').
	Sources []string
	// Where keeps only the rows where this expression is true; empty keeps
	// all. A saved profile cannot be filtered.
	Where string
	// Open is what the data is read with.
	Open ingest.Options
}

// String names the side: "a.parquet, b.parquet where month(date) == 1".
func (s Side) String() string {
	out := strings.Join(s.Sources, ", ")
	if s.Where != "" {
		out += " where " + s.Where
	}
	return out
}

// MarshalJSON encodes the side as {sources, where}.
func (s Side) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Sources []string `json:"sources"`
		Where   string   `json:"where,omitempty"`
	}{s.Sources, s.Where})
}

// Saved reports whether the side is a saved profile: a single file
// starting with '{'.
func (s Side) Saved() bool {
	if len(s.Sources) != 1 {
		return false
	}
	f, err := os.Open(s.Sources[0])
	if err != nil {
		return false
	}
	defer f.Close()
	var b [1]byte
	n, _ := f.Read(b[:])
	return n == 1 && b[0] == '{'
}

// Load returns the side's profile: decoded from a saved profile, or from
// one profiling pass over the data, reading only columns (plus the
// filter's) when given.
func (s Side) Load(ctx context.Context, columns []string) (*profile.Profile, error) {
	if !s.Saved() {
		return s.profileData(ctx, columns)
	}
	if s.Where != "" {
		return nil, fmt.Errorf("%s is a saved profile: its rows cannot be filtered with %q", s.Sources[0], s.Where)
	}
	return readProfile(s.Sources[0])
}

func (s Side) profileData(ctx context.Context, columns []string) (*profile.Profile, error) {
	opts := s.Open
	ds, err := ingest.Open(ctx, s.Sources, opts)
	if err != nil {
		return nil, err
	}
	var where *colexpr.Program
	if s.Where != "" {
		if where, err = colexpr.Compile(s.Where, ds.Schema()); err != nil {
			return nil, err
		}
	}
	if len(columns) > 0 {
		opts.Columns = rowsel.Projection(columns, where)
		if ds, err = ingest.Open(ctx, s.Sources, opts); err != nil {
			return nil, err
		}
	}
	return profile.Scan(ctx, ds, profile.ScanOptions{Where: where})
}

// Scan profiles ds (only the rows where is true, when not nil), keeping a
// progress line on stderr when it is a terminal.
func Scan(ctx context.Context, ds *ingest.Dataset, where *colexpr.Program, stderr io.Writer) (*profile.Profile, error) {
	progress, done := progress.Rows(stderr, "profiling")
	defer done()
	return profile.Scan(ctx, ds, profile.ScanOptions{Where: where, Progress: progress})
}

// Lazy loads a side's profile once, when first needed.
type Lazy struct {
	Side Side
	// Name prefixes load errors ("--reference: ...").
	Name string
	prof *profile.Profile
}

// Profile returns the side's profile, loading it on the first call; nil
// when the side has no sources.
func (l *Lazy) Profile(ctx context.Context) (*profile.Profile, error) {
	if l.prof != nil || len(l.Side.Sources) == 0 {
		return l.prof, nil
	}
	p, err := l.Side.Load(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Name, err)
	}
	l.prof = p
	return p, nil
}

// readProfile decodes the saved profile at path.
func readProfile(path string) (*profile.Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := profile.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
