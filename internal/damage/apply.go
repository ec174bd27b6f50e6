package damage

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/atomicfile"
)

// File reads the Parquet (or Arrow IPC) file in, applies the damages in
// order and writes the result to out as Parquet (ZSTD), atomically. The
// schema is kept, except that every column becomes nullable.
func File(ctx context.Context, in, out string, damages []Damage, opts Options) (*Report, error) {
	t, err := readTable(ctx, in)
	if err != nil {
		return nil, err
	}
	defer t.release()
	rep, rec, err := Apply(t.schema, t.cols, damages, opts)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	var buf bytes.Buffer
	if err := writeParquet(&buf, rec, opts.rowGroup()); err != nil {
		return nil, fmt.Errorf("damage: write %s: %w", out, err)
	}
	if err := atomicfile.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("damage: %w", err)
	}
	return rep, nil
}

func (o Options) rowGroup() int64 {
	if o.RowGroup <= 0 {
		return 65536
	}
	return int64(o.RowGroup)
}

func (o Options) pool() int {
	if o.Pool <= 0 {
		return 10
	}
	return o.Pool
}

// table is a file's columns in memory, one array per field.
type table struct {
	schema *arrow.Schema
	cols   []arrow.Array
}

func (t *table) release() {
	for _, c := range t.cols {
		c.Release()
	}
}

func readTable(ctx context.Context, path string) (*table, error) {
	ds, err := ingest.Open(ctx, []string{path}, ingest.Options{})
	if err != nil {
		return nil, err
	}
	parts := make([][]arrow.Array, ds.Schema().NumFields())
	defer func() {
		for _, p := range parts {
			for _, a := range p {
				a.Release()
			}
		}
	}()
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			return nil, err
		}
		for i, c := range rec.Columns() {
			c.Retain()
			parts[i] = append(parts[i], c)
		}
	}
	t := &table{schema: ds.Schema()}
	for _, f := range t.schema.Fields() {
		if !supported(f.Type) {
			return nil, fmt.Errorf("%w: %s: column %q of type %s is not supported", ErrInvalid, path, f.Name, f.Type)
		}
	}
	for i, p := range parts {
		if len(p) == 0 {
			t.cols = append(t.cols, array.MakeArrayOfNull(memory.DefaultAllocator, ds.Schema().Field(i).Type, 0))
			continue
		}
		c, err := array.Concatenate(p, memory.DefaultAllocator)
		if err != nil {
			t.release()
			return nil, fmt.Errorf("damage: %s: %w", path, err)
		}
		t.cols = append(t.cols, c)
	}
	return t, nil
}

// cell is a damaged value: null, a number or a string.
type cell struct {
	null bool
	num  float64
	str  string
}

// plan is the damages to a table: cell edits by column and source row,
// and the source rows that get a copy.
type plan struct {
	schema *arrow.Schema
	cols   []arrow.Array
	n      int
	edits  []map[int]cell
	dup    []bool
}

// Apply damages the columns (of equal length, with schema, of the types
// the package doc lists) and returns the report and the damaged record,
// which the caller releases. The columns are only read.
func Apply(schema *arrow.Schema, cols []arrow.Array, damages []Damage, opts Options) (*Report, arrow.Record, error) {
	for _, f := range schema.Fields() {
		if !supported(f.Type) {
			return nil, nil, fmt.Errorf("%w: column %q of type %s is not supported", ErrInvalid, f.Name, f.Type)
		}
	}
	p := &plan{schema: schema, cols: cols, edits: make([]map[int]cell, len(cols))}
	if len(cols) > 0 {
		p.n = cols[0].Len()
	}
	p.dup = make([]bool, p.n)
	for i := range p.edits {
		p.edits[i] = map[int]cell{}
	}
	touched := make([][]int, len(damages))
	for i, d := range damages {
		if err := d.validate(); err != nil {
			return nil, nil, err
		}
		rng := rand.New(rand.NewPCG(opts.Seed, uint64(i)+1))
		rows, err := p.apply(d, rng, opts.pool())
		if err != nil {
			return nil, nil, err
		}
		touched[i] = rows
	}
	rec, outPos := p.build()
	rep := &Report{InputRows: int64(p.n), OutputRows: rec.NumRows()}
	for i, d := range damages {
		rep.Applied = append(rep.Applied, Applied{Damage: d, Rows: p.outputRows(d, touched[i], outPos)})
	}
	return rep, rec, nil
}

// outputRows maps a damage's source rows to rows of the output: the row
// and its copy for cell damages, the copy for duplicates.
func (p *plan) outputRows(d Damage, src []int, outPos []int64) []int64 {
	var out []int64
	for _, s := range src {
		if d.Kind != Duplicate {
			out = append(out, outPos[s])
		}
		if p.dup[s] {
			out = append(out, outPos[s]+1)
		}
	}
	slices.Sort(out)
	return out
}

// apply records one damage and returns the source rows it touched.
func (p *plan) apply(d Damage, rng *rand.Rand, pool int) ([]int, error) {
	k := int(math.Round(d.Rate * float64(p.n)))
	if d.Kind == Duplicate {
		rows := sample(rng, p.candidates(-1, nil), k)
		for _, r := range rows {
			p.dup[r] = true
		}
		return rows, nil
	}
	col, err := p.column(d)
	if err != nil {
		return nil, err
	}
	arr := p.cols[col]
	switch d.Kind {
	case Nulls:
		return p.edit(col, sample(rng, p.candidates(col, nil), k), func(int) cell { return cell{null: true} }), nil
	case Negative:
		num := numAt(arr)
		rows := sample(rng, p.candidates(col, func(i int) bool { return num(i) > 0 }), k)
		return p.edit(col, rows, func(i int) cell { return cell{num: -num(i)} }), nil
	case Absurd:
		absurd := absurdValues(arr, rng)
		return p.edit(col, sample(rng, p.candidates(col, nil), k), func(int) cell { return cell{num: absurd()} }), nil
	}
	values := newValues(arr, rng, pool)
	return p.edit(col, sample(rng, p.candidates(col, nil), k), func(int) cell { return cell{str: values[rng.IntN(len(values))]} }), nil
}

// column finds a damage's column and checks that its type fits the kind.
func (p *plan) column(d Damage) (int, error) {
	idx := p.schema.FieldIndices(d.Column)
	if len(idx) == 0 {
		return 0, fmt.Errorf("%w %s: no column %q", ErrInvalid, d, d.Column)
	}
	dt := p.schema.Field(idx[0]).Type
	ok := true
	switch d.Kind {
	case Negative:
		ok = numAt(p.cols[idx[0]]) != nil && !arrow.IsUnsignedInteger(dt.ID())
	case Absurd:
		ok = numAt(p.cols[idx[0]]) != nil
	case Unseen:
		ok = dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING
	}
	if !ok {
		return 0, fmt.Errorf("%w %s: column %q of type %s does not take %s values", ErrInvalid, d, d.Column, dt, d.Kind)
	}
	return idx[0], nil
}

// candidates are the rows a damage may pick: not null and not yet damaged
// in the column (or not yet copied, for col −1), and passing keep.
func (p *plan) candidates(col int, keep func(int) bool) []int {
	var out []int
	for i := range p.n {
		switch {
		case col < 0 && p.dup[i]:
		case col >= 0 && (p.cols[col].IsNull(i) || hasEdit(p.edits[col], i)):
		case keep != nil && !keep(i):
		default:
			out = append(out, i)
		}
	}
	return out
}

func hasEdit(m map[int]cell, i int) bool { _, ok := m[i]; return ok }

// sample picks k of rows (all when fewer), in row order.
func sample(rng *rand.Rand, rows []int, k int) []int {
	k = min(k, len(rows))
	out := make([]int, 0, k)
	for _, j := range rng.Perm(len(rows))[:k] {
		out = append(out, rows[j])
	}
	sort.Ints(out)
	return out
}

func (p *plan) edit(col int, rows []int, value func(int) cell) []int {
	for _, r := range rows {
		p.edits[col][r] = value(r)
	}
	return rows
}

// absurdValues returns a generator of ±M·10^u, u ∈ [1, 3] (see the
// package doc).
func absurdValues(arr arrow.Array, rng *rand.Rand) func() float64 {
	num := numAt(arr)
	var m float64
	neg := false
	for i := range arr.Len() {
		if arr.IsValid(i) {
			m = math.Max(m, math.Abs(num(i)))
			neg = neg || num(i) < 0
		}
	}
	m = math.Max(m, 1)
	lo, hi := typeRange(arr.DataType())
	return func() float64 {
		v := m * math.Pow(10, 1+2*rng.Float64())
		if neg && rng.IntN(2) == 0 {
			v = -v
		}
		return math.Max(lo, math.Min(hi, math.Round(v)))
	}
}

// newValues makes n values absent from a string column.
func newValues(arr arrow.Array, rng *rand.Rand, n int) []string {
	text := stringAt(arr)
	seen := map[string]bool{}
	var lens []int
	for i := range arr.Len() {
		if arr.IsValid(i) {
			s := text(i)
			if !seen[s] {
				seen[s] = true
				lens = append(lens, len(s))
			}
		}
	}
	length := 3
	if len(lens) > 0 {
		slices.Sort(lens)
		length = max(2, lens[len(lens)/2])
	}
	var out []string
	for len(out) < n {
		b := make([]byte, length)
		for j := range b {
			b[j] = byte('A' + rng.IntN(26))
		}
		b[rng.IntN(length)] = byte('0' + rng.IntN(10))
		if s := string(b); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func writeParquet(buf *bytes.Buffer, rec arrow.Record, rowGroup int64) error {
	tbl := array.NewTableFromRecords(rec.Schema(), []arrow.Record{rec})
	defer tbl.Release()
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd))
	return pqarrow.WriteTable(tbl, buf, rowGroup, props, pqarrow.DefaultWriterProps())
}
