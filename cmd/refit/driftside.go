package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/validate/profile"
)

// sideSpec is one side of a comparison: data sources or a saved profile,
// and a row filter.
type sideSpec struct {
	sources []string
	where   string
	open    ingest.Options // what the data is read with
}

func (s sideSpec) String() string {
	out := strings.Join(s.sources, ", ")
	if s.where != "" {
		out += " where " + s.where
	}
	return out
}

// MarshalJSON encodes the side as {sources, where}.
func (s sideSpec) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Sources []string `json:"sources"`
		Where   string   `json:"where,omitempty"`
	}{s.sources, s.where})
}

// load returns the side's profile: decoded from a saved profile, or from
// one profiling pass over the data, reading only columns (plus the
// filter's) when given.
func (s sideSpec) load(ctx context.Context, columns []string) (*profile.Profile, error) {
	if isSavedProfile(s.sources) {
		if s.where != "" {
			return nil, fmt.Errorf("%s is a saved profile: its rows cannot be filtered with %q", s.sources[0], s.where)
		}
		b, err := os.ReadFile(s.sources[0])
		if err != nil {
			return nil, err
		}
		p, err := profile.Decode(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.sources[0], err)
		}
		return p, nil
	}
	return s.profileData(ctx, columns)
}

func (s sideSpec) profileData(ctx context.Context, columns []string) (*profile.Profile, error) {
	opts := s.open
	ds, err := ingest.Open(ctx, s.sources, opts)
	if err != nil {
		return nil, err
	}
	var where *colexpr.Program
	if s.where != "" {
		if where, err = colexpr.Compile(s.where, ds.Schema()); err != nil {
			return nil, err
		}
	}
	if len(columns) > 0 {
		opts.Columns = projection(columns, where)
		if ds, err = ingest.Open(ctx, s.sources, opts); err != nil {
			return nil, err
		}
	}
	return profile.Scan(ctx, ds, profile.ScanOptions{Where: where})
}

// projection returns columns plus those where reads.
func projection(columns []string, where *colexpr.Program) []string {
	out := slices.Clone(columns)
	if where != nil {
		for _, c := range where.Columns() {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
