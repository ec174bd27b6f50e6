package workspace

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
)

// ReadRecordFile reads and decodes the record at path. A missing file is
// an error that matches fs.ErrNotExist.
func ReadRecordFile(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rec := &Record{}
	if err := json.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("workspace: %s: %w", path, err)
	}
	return rec, nil
}

// ReadRecord reads the record of run id. A run without one is an error
// that matches fs.ErrNotExist.
func (d Dir) ReadRecord(id string) (*Record, error) {
	data, err := os.ReadFile(d.RecordPath(id))
	if err != nil {
		return nil, err
	}
	rec := &Record{}
	if err := json.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("run %s: %s: %w", id, RecordFile, err)
	}
	return rec, nil
}

// Records reads the record of every run folder, in run order. Folders
// that are not runs, and records that cannot be read or name another run,
// are skipped; a workspace without runs has none.
func (d Dir) Records() ([]*Record, error) {
	entries, err := os.ReadDir(d.RunsPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("workspace: listing runs: %w", err)
	}
	var recs []*Record
	for _, e := range entries {
		if RunSeq(e.Name()) == 0 {
			continue
		}
		rec, err := ReadRecordFile(d.RecordPath(e.Name()))
		if err == nil && rec.ID == e.Name() {
			recs = append(recs, rec)
		}
	}
	slices.SortFunc(recs, func(a, b *Record) int { return cmp.Compare(RunSeq(a.ID), RunSeq(b.ID)) })
	return recs, nil
}

// RunSeq is the number of a run id ("r000012" is 12), 0 if name is not one.
func RunSeq(name string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "r"))
	if err != nil || !strings.HasPrefix(name, "r") {
		return 0
	}
	return n
}
