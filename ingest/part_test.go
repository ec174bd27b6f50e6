package ingest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// TestReadPart: reading every part on its own, in order, yields what
// Records yields, adapted to the unified schema; a part outside the
// dataset is ErrInvalidInput.
func TestReadPart(t *testing.T) {
	ctx := context.Background()
	ds, err := Open(ctx, []string{hiveDataset(t)}, checkedOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	want := collect(t, ds)
	got := map[string][]string{}
	parts := ds.Parts()
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3 (two row groups and one)", len(parts))
	}
	for _, p := range parts {
		err := ds.ReadPart(ctx, p, func(rec arrow.Record) error {
			if !rec.Schema().Equal(ds.Schema()) {
				t.Errorf("part %v: schema %s, want %s", p, rec.Schema(), ds.Schema())
			}
			for i, col := range rec.Columns() {
				name := rec.Schema().Field(i).Name
				for r := range col.Len() {
					got[name] = append(got[name], col.ValueStr(r))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parts read one by one:\n%v\nwant\n%v", got, want)
	}
	for _, p := range []Part{{File: 2}, {File: 0, Unit: 2}, {File: -1}} {
		if err := ds.ReadPart(ctx, p, func(arrow.Record) error { return nil }); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("part %v: got %v, want ErrInvalidInput", p, err)
		}
	}
}
