package ingest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/base"
	"golang.org/x/sync/errgroup"
)

// Part identifies one independently decoded part of a dataset: a row group
// of a Parquet file, a record batch of an IPC file, or a whole IPC stream.
type Part struct {
	File int    // index into Files()
	Unit int    // row group or batch within the file
	Path string // the file's path
}

// Parts lists every part of the dataset in scan order. Callers that keep
// per-part state (partial profiles) size it from this and merge in order,
// which keeps results deterministic.
func (d *Dataset) Parts() []Part {
	var parts []Part
	for fi, fe := range d.files {
		for u := range fe.units {
			parts = append(parts, Part{File: fi, Unit: u, Path: fe.Path})
		}
	}
	return parts
}

// Scan decodes every part of the dataset, up to Options.Parallelism at once,
// and calls fn with each record. fn is called from several goroutines at
// once, but the records of one part arrive in order on one goroutine. The
// record is valid until fn returns; fn calls Retain to keep it. The first
// error from fn or from decoding stops the scan and is returned.
func (d *Dataset) Scan(ctx context.Context, fn func(Part, arrow.Record) error) error {
	return d.ScanParts(ctx, fn, nil)
}

// ScanParts is Scan with a second function, done, called once after the
// last record of each part (also for a part without records), on the
// part's goroutine. Callers that keep per-part state use it to merge and
// drop that state as parts finish, so memory stays bounded by the parts in
// flight rather than growing with the dataset. done may be nil.
func (d *Dataset) ScanParts(ctx context.Context, fn func(Part, arrow.Record) error, done func(Part) error) error {
	files := d.openers()
	defer files.closeAll()
	fn = d.filtered(fn)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(d.opts.Parallelism)
	for _, p := range d.Parts() {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := d.readPart(gctx, files, p, func(rec arrow.Record) error { return fn(p, rec) })
			if err == nil && done != nil {
				err = done(p)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// Records yields every record of the dataset in file and part order, while
// decoding up to Options.Parallelism parts ahead. A record is valid until
// the loop continues; call Retain to keep it. Breaking out of the loop stops
// decoding. An error ends the sequence.
func (d *Dataset) Records(ctx context.Context) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		files := d.openers()
		queue := d.startParts(ctx, files)
		defer func() {
			cancel()
			drain(queue)
			files.closeAll()
		}()
		for pr := range queue {
			for rec := range pr.recs {
				ok := yield(rec, nil)
				rec.Release()
				if !ok {
					return
				}
			}
			if err := pr.err(); err != nil {
				yield(nil, err)
				return
			}
		}
	}
}

// Head yields the first n rows of the dataset (after Options.Filter) in
// file order, as Records does, but decodes one part at a time and stops
// decoding as soon as it has yielded n rows: a Parquet file is read only as
// far as the pages that hold them. The last record is cut to n rows. A
// record is valid until the loop continues; call Retain to keep it.
func (d *Dataset) Head(ctx context.Context, n int64) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		if n <= 0 {
			return
		}
		files := d.openers()
		defer files.closeAll()
		left := n
		emit := d.filtered(func(_ Part, rec arrow.Record) error {
			if rec.NumRows() > left {
				rec = rec.NewSlice(0, left)
				defer rec.Release()
			}
			left -= rec.NumRows()
			if !yield(rec, nil) || left == 0 {
				return errHeadDone
			}
			return nil
		})
		for _, p := range d.Parts() {
			err := d.readPart(ctx, files, p, func(rec arrow.Record) error { return emit(p, rec) })
			if errors.Is(err, errHeadDone) {
				return
			}
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				yield(nil, err)
				return
			}
		}
	}
}

// errHeadDone stops the decoding of a part once Head has what it needs.
var errHeadDone = errors.New("head done")

// partResult is one part being decoded for Records.
type partResult struct {
	recs  chan arrow.Record
	done  chan struct{}
	error error
}

func (p *partResult) err() error { <-p.done; return p.error }

// startParts decodes parts in order, at most Parallelism at a time, each
// sending its records into its own small channel. The returned channel
// yields the parts in order.
func (d *Dataset) startParts(ctx context.Context, files *openers) chan *partResult {
	queue := make(chan *partResult, d.opts.Parallelism)
	sem := make(chan struct{}, d.opts.Parallelism)
	go func() {
		defer close(queue)
		for _, p := range d.Parts() {
			pr := &partResult{recs: make(chan arrow.Record, 2), done: make(chan struct{})}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case queue <- pr:
			case <-ctx.Done():
				<-sem
				return
			}
			go func() {
				defer func() { <-sem }()
				defer close(pr.done)
				defer close(pr.recs)
				send := d.filtered(func(_ Part, rec arrow.Record) error {
					rec.Retain()
					select {
					case pr.recs <- rec:
						return nil
					case <-ctx.Done():
						rec.Release()
						return ctx.Err()
					}
				})
				pr.error = d.readPart(ctx, files, p, func(rec arrow.Record) error { return send(p, rec) })
			}()
		}
	}()
	return queue
}

// filtered applies Options.Filter before fn, as part of the caller's
// function: a panic in the filter is the caller's, not a decoder's.
func (d *Dataset) filtered(fn func(Part, arrow.Record) error) func(Part, arrow.Record) error {
	filter := d.opts.Filter
	if filter == nil {
		return fn
	}
	return func(p Part, rec arrow.Record) error {
		kept, err := filter(rec)
		if err != nil {
			return fmt.Errorf("ingest %s: filter: %w", p.Path, err)
		}
		if kept == nil {
			return nil
		}
		defer kept.Release()
		if kept.NumRows() == 0 {
			return nil
		}
		return fn(p, kept)
	}
}

// drain releases what is left in a queue after the consumer stopped.
func drain(queue chan *partResult) {
	for pr := range queue {
		for rec := range pr.recs {
			rec.Release()
		}
	}
}

// errCallerPanicked marks a panic in a caller's function, which must not be
// mistaken for a decoder's.
var errCallerPanicked = errors.New("caller panicked")

// readPart decodes one part, adapting its records to the dataset schema. A
// decoder's panic becomes an error; a panic in emit is re-raised.
func (d *Dataset) readPart(ctx context.Context, files *openers, p Part, emit func(arrow.Record) error) error {
	fe := d.files[p.File]
	h, err := files.get(p.File)
	if err != nil {
		return err
	}
	defer files.release(p.File)
	var emitErr error
	var callerPanic any
	err = base.Guard(fe.Path, func() error {
		return h.dec.ReadUnit(ctx, p.Unit, fe.plan.cols, d.opts.BatchSize, func(rec arrow.Record) error {
			out, err := fe.plan.adapt(ctx, d.opts.Mem, d.schema, rec)
			if err != nil {
				return err
			}
			defer out.Release()
			emitErr = callEmit(emit, out, &callerPanic)
			return emitErr
		})
	})
	if callerPanic != nil {
		panic(callerPanic)
	}
	if emitErr != nil && errors.Is(err, emitErr) {
		return emitErr
	}
	return err
}

func callEmit(emit func(arrow.Record) error, rec arrow.Record, p *any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			*p, err = r, errCallerPanicked
		}
	}()
	return emit(rec)
}

// openers opens each file once for the parts that need it and closes it
// after its last part.
type openers struct {
	d     *Dataset
	mu    sync.Mutex
	files []*lazyHandle
}

type lazyHandle struct {
	once    sync.Once
	h       *handle
	err     error
	pending atomic.Int64
}

func (d *Dataset) openers() *openers {
	o := &openers{d: d, files: make([]*lazyHandle, len(d.files))}
	for i, fe := range d.files {
		o.files[i] = &lazyHandle{}
		o.files[i].pending.Store(int64(fe.units))
	}
	return o
}

func (o *openers) get(i int) (*handle, error) {
	l := o.files[i]
	l.once.Do(func() { l.h, l.err = openHandle(o.d.files[i].File, o.d.opts) })
	return l.h, l.err
}

// release marks one part of file i done, closing the file after the last.
func (o *openers) release(i int) {
	if o.files[i].pending.Add(-1) == 0 {
		o.closeOne(i)
	}
}

func (o *openers) closeOne(i int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if l := o.files[i]; l.h != nil {
		l.h.close()
		l.h = nil
	}
}

func (o *openers) closeAll() {
	for i := range o.files {
		o.closeOne(i)
	}
}
