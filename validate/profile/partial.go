package profile

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
)

// This file is the profile's per-part API for drivers outside this package
// (refit profile --shard, the Beam pipelines): profile one part, split a
// profile into one-column profiles and join them back, and fold partial
// profiles in part order. Folding the parts' profiles 0..n-1 from the left
// is exactly what Scan does, so a driver that keeps that order
// produces the same bytes; Merge of sketches is commutative but not
// associative, so any other grouping gives values within the sketches'
// error instead.

// Part profiles the rows of one part of ds (see ingest.Dataset.Parts)
// with Fn, so its partial profile is the one Scan builds
// for that part.
func Part(ctx context.Context, ds *ingest.Dataset, part ingest.Part, opts Options) (*Profile, error) {
	fn := Fn{Schema: ds.Schema(), Options: opts}
	p := fn.CreateAccumulator()
	err := ds.ReadPart(ctx, part, func(rec arrow.Record) error {
		var err error
		p, err = fn.AddInput(p, rec)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("validate: profile %s part %d: %w", part.Path, part.Unit, err)
	}
	return p, nil
}

// Fold merges parts into the first, left to right (parts[0] is
// changed and returned), the order Scan merges its parts in. With
// no parts it returns an empty profile of schema.
func Fold(schema *arrow.Schema, opts Options, parts []*Profile) (*Profile, error) {
	if len(parts) == 0 {
		return New(schema, opts), nil
	}
	acc := parts[0]
	for _, p := range parts[1:] {
		if err := acc.Merge(p); err != nil {
			return nil, err
		}
	}
	return acc, nil
}

// Column returns a one-column profile of column i that shares p's column
// state (p's Rows included), for drivers that merge each column apart.
func (p *Profile) Column(i int) *Profile {
	f := p.Schema.Field(i)
	return &Profile{Schema: arrow.NewSchema([]arrow.Field{f}, nil), Rows: p.Rows,
		Columns: []*Column{p.Columns[i]}, Options: p.Options}
}

// JoinColumns assembles a profile of schema from one-column profiles, one
// per field in order (as Column returns them, merged), which must agree on
// the number of rows.
func JoinColumns(schema *arrow.Schema, opts Options, cols []*Profile) (*Profile, error) {
	if len(cols) != schema.NumFields() {
		return nil, fmt.Errorf("validate: join columns: %d columns, schema has %d: %w", len(cols), schema.NumFields(), ErrSchemaMismatch)
	}
	p := &Profile{Schema: schema, Options: opts}
	for i, c := range cols {
		f := schema.Field(i)
		if len(c.Columns) != 1 || c.Columns[0].Name != f.Name || !arrow.TypeEqual(c.Columns[0].Type, f.Type) {
			return nil, fmt.Errorf("validate: join columns: column %d is not %q (%s): %w", i, f.Name, f.Type, ErrSchemaMismatch)
		}
		if i > 0 && c.Rows != p.Rows {
			return nil, fmt.Errorf("validate: join columns: column %q has %d rows, %q has %d: %w",
				f.Name, c.Rows, schema.Field(0).Name, p.Rows, ErrSchemaMismatch)
		}
		p.Rows = c.Rows
		p.Columns = append(p.Columns, c.Columns[0])
	}
	return p, nil
}

// SameSchema reports whether two profiles have the same column names and
// types in the same order.
func SameSchema(a, b *Profile) bool {
	return slices.EqualFunc(a.Columns, b.Columns, func(x, y *Column) bool {
		return x.Name == y.Name && arrow.TypeEqual(x.Type, y.Type)
	})
}
