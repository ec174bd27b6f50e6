package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/refit-ml/refit/internal/crashpoint"
)

// GateStatus is a version's promotion gate verdict.
type GateStatus string

// Gate verdicts. Only GatePassed versions are promoted without Force.
const (
	GatePassed  GateStatus = "passed"
	GateFailed  GateStatus = "failed"
	GateMissing GateStatus = "missing"
)

// Version states: what became of a version. A version registered outside
// a run (refit models register, refit gate --register) is registered; one
// registered by a pipeline run is pending until that run commits, which
// makes it promoted, rejected or not-promoted in the same transaction as
// the alias move; a run that dies before its commit leaves it pending, and
// the next start (RecoverInterrupted) makes it abandoned.
const (
	StateRegistered  = "registered"   // registered outside a run
	StatePending     = "pending"      // its run has not committed yet
	StatePromoted    = "promoted"     // its run promoted it
	StateRejected    = "rejected"     // its gates failed in its run
	StateNotPromoted = "not-promoted" // its gates passed but its run did not promote it
	// StateAbandoned: its run was interrupted before deciding. The files
	// are complete and verified, but the run never committed: the data it
	// was trained on is still unprocessed and its gates were measured
	// against the champion of that moment, so it is promoted only by
	// force (refit promote --force --reason).
	StateAbandoned = "abandoned"
)

// Version is one registered model version. Versions are immutable once
// registered, except for State.
type Version struct {
	// ID is "v" followed by the sequence number, at least four digits:
	// v0001, v0002, ..., v9999, v10000. IDs are dense and ordered by
	// registration; List orders by the number, not by the string.
	ID                 string          `json:"id"`
	Seq                int64           `json:"seq"`
	Created            time.Time       `json:"created"`
	Parent             string          `json:"parent,omitempty"`
	DatasetFingerprint string          `json:"dataset_fingerprint,omitempty"`
	ConfigHash         string          `json:"config_hash,omitempty"`
	Metrics            json.RawMessage `json:"metrics"`
	Gate               GateStatus      `json:"gate"`
	GateReasons        json.RawMessage `json:"gate_reasons"`
	// RunID is the pipeline run that registered the version, "" when it
	// was registered outside a run.
	RunID     string     `json:"run_id,omitempty"`
	State     string     `json:"state"`
	Artifacts []Artifact `json:"artifacts"`
}

// Artifact returns the artifact called name.
func (v Version) Artifact(name string) (Artifact, bool) {
	for _, a := range v.Artifacts {
		if a.Name == name {
			return a, true
		}
	}
	return Artifact{}, false
}

// RegisterRequest describes a new version.
type RegisterRequest struct {
	Parent             string // optional; must be a registered version
	DatasetFingerprint string
	ConfigHash         string
	Metrics            json.RawMessage // any JSON; defaults to {}
	Gate               GateStatus      // defaults to GateMissing
	GateReasons        json.RawMessage // any JSON; defaults to null
	// RunID is the pipeline run registering the version, which then stays
	// StatePending until that run's CommitRun. Empty outside a run.
	RunID string
	// Files maps artifact name (a plain file name, e.g. "model.bin") to the
	// caller's file to copy. The registry never references the source again.
	Files map[string]string
}

func (req *RegisterRequest) normalize() error {
	if req.Gate == "" {
		req.Gate = GateMissing
	}
	switch req.Gate {
	case GatePassed, GateFailed, GateMissing:
	default:
		return fmt.Errorf("%w: gate %q", ErrInvalidInput, req.Gate)
	}
	if len(req.Metrics) == 0 {
		req.Metrics = json.RawMessage("{}")
	}
	if len(req.GateReasons) == 0 {
		req.GateReasons = json.RawMessage("null")
	}
	if !json.Valid(req.Metrics) || !json.Valid(req.GateReasons) {
		return fmt.Errorf("%w: metrics and gate reasons must be valid JSON", ErrInvalidInput)
	}
	for name := range req.Files {
		if !validArtifactName(name) {
			return fmt.Errorf("%w: artifact name %q", ErrInvalidInput, name)
		}
	}
	return nil
}

// Register copies the request's files into a new version folder and records
// the version. Order of effects, which is what makes it crash safe:
//  1. copy + hash + fsync every file into models/.staging-*, fsync it;
//  2. BEGIN IMMEDIATE (the write lock serializes registrations);
//  3. pick the next id, rename the staging folder to models/<id>, fsync models/;
//  4. insert the version and artifact rows, COMMIT.
//
// A crash before 4 commits leaves at most an unreferenced folder, which the
// next registration of the same id replaces.
func (r *Registry) Register(ctx context.Context, req RegisterRequest) (Version, error) {
	if err := req.normalize(); err != nil {
		return Version{}, fmt.Errorf("registry: register: %w", err)
	}
	staged, arts, err := r.stage(req.Files)
	if err != nil {
		return Version{}, fmt.Errorf("registry: register: %w", err)
	}
	var v Version
	err = inTx(ctx, r.db, func(tx *sql.Tx) error {
		var err error
		v, err = r.insertVersion(ctx, tx, req, staged, arts)
		return err
	})
	if err != nil {
		// Whatever is left (the staging folder, or models/<id> if the
		// commit itself failed) is an orphan: removing models/<id> here,
		// without the write lock, could race with the next registration
		// of the same id, so it is left to that registration or to
		// CleanOrphans.
		_ = os.RemoveAll(staged)
		return Version{}, fmt.Errorf("registry: register: %w", err)
	}
	r.fillPaths(&v)
	return v, nil
}

func (r *Registry) insertVersion(ctx context.Context, tx *sql.Tx, req RegisterRequest, staged string, arts []Artifact) (Version, error) {
	if req.Parent != "" {
		if _, err := getVersion(ctx, tx, req.Parent); err != nil {
			return Version{}, fmt.Errorf("parent: %w", err)
		}
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq),0)+1 FROM versions`).Scan(&seq); err != nil {
		return Version{}, err
	}
	v := Version{
		ID: versionID(seq), Seq: seq, Created: r.now().UTC(), Parent: req.Parent,
		DatasetFingerprint: req.DatasetFingerprint, ConfigHash: req.ConfigHash,
		Metrics: req.Metrics, Gate: req.Gate, GateReasons: req.GateReasons, Artifacts: arts,
		RunID: req.RunID, State: StateRegistered,
	}
	if req.RunID != "" {
		v.State = StatePending
	}
	err := r.placeFolder(staged, v.ID)
	if err == nil {
		err = insertRows(ctx, tx, v)
	}
	if err != nil {
		// Still under the write lock: nobody else can have taken the id.
		_ = os.RemoveAll(filepath.Join(r.dir, modelsDir, v.ID))
		return Version{}, err
	}
	return v, nil
}

func insertRows(ctx context.Context, tx *sql.Tx, v Version) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO versions
		(seq, id, created, parent, dataset_fp, config_hash, metrics, gate, gate_reasons, run_id, state)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		v.Seq, v.ID, fmtTime(v.Created), v.Parent, v.DatasetFingerprint, v.ConfigHash,
		string(v.Metrics), string(v.Gate), string(v.GateReasons), v.RunID, v.State); err != nil {
		return err
	}
	for _, a := range v.Artifacts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO artifacts(version, name, sha256, size) VALUES (?,?,?,?)`,
			v.ID, a.Name, a.SHA256, a.Size); err != nil {
			return err
		}
	}
	return nil
}

// placeFolder renames the staging folder to models/<id>. It runs under the
// write lock with no row for id yet, so an existing models/<id> is an orphan
// of a crashed registration and is removed.
func (r *Registry) placeFolder(staged, id string) error {
	models := filepath.Join(r.dir, modelsDir)
	final := filepath.Join(models, id)
	for _, step := range []struct {
		op string
		fn func() error
	}{
		{"remove orphan", func() error { return os.RemoveAll(final) }},
		{"rename", func() error { return os.Rename(staged, final) }},
		{"sync models dir", func() error { return syncDir(models) }},
	} {
		if err := r.hook(step.op); err != nil {
			return err
		}
		if err := step.fn(); err != nil {
			return err
		}
		if step.op == "rename" {
			crashpoint.Hit("rename staging to " + id)
		}
	}
	return nil
}

func versionID(seq int64) string { return fmt.Sprintf("v%04d", seq) }

func (r *Registry) fillPaths(v *Version) {
	for i := range v.Artifacts {
		v.Artifacts[i].Path = filepath.Join(r.dir, modelsDir, v.ID, v.Artifacts[i].Name)
	}
}

// Get returns a registered version without verifying its artifacts
// (see Verify).
func (r *Registry) Get(ctx context.Context, id string) (Version, error) {
	v, err := getVersion(ctx, r.db, id)
	if err != nil {
		return Version{}, fmt.Errorf("registry: get %s: %w", id, err)
	}
	r.fillPaths(&v)
	return v, nil
}

// Verify re-hashes the version's artifacts; a mismatch or a missing file is
// ErrCorrupt.
func (r *Registry) Verify(ctx context.Context, id string) (Version, error) {
	v, err := r.Get(ctx, id)
	if err != nil {
		return Version{}, err
	}
	if err := verifyArtifacts(v.Artifacts); err != nil {
		return Version{}, fmt.Errorf("registry: verify %s: %w", id, err)
	}
	return v, nil
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const versionCols = `seq, id, created, parent, dataset_fp, config_hash, metrics, gate, gate_reasons, run_id, state`

func scanVersion(s interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var created, metrics, reasons, gate string
	if err := s.Scan(&v.Seq, &v.ID, &created, &v.Parent, &v.DatasetFingerprint, &v.ConfigHash,
		&metrics, &gate, &reasons, &v.RunID, &v.State); err != nil {
		return Version{}, err
	}
	var err error
	v.Created, err = parseTime(created)
	v.Metrics, v.Gate, v.GateReasons = json.RawMessage(metrics), GateStatus(gate), json.RawMessage(reasons)
	return v, err
}

func getVersion(ctx context.Context, q querier, id string) (Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, `SELECT `+versionCols+` FROM versions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, fmt.Errorf("version %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Version{}, err
	}
	v.Artifacts, err = getArtifacts(ctx, q, id)
	return v, err
}

func getArtifacts(ctx context.Context, q querier, id string) ([]Artifact, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, sha256, size FROM artifacts WHERE version = ? ORDER BY name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var arts []Artifact
	for rows.Next() {
		var a Artifact
		if err := rows.Scan(&a.Name, &a.SHA256, &a.Size); err != nil {
			return nil, err
		}
		arts = append(arts, a)
	}
	return arts, rows.Err()
}

// Filter selects versions in List. Zero fields match everything.
type Filter struct {
	Gate               GateStatus // only this verdict
	Parent             string     // only children of this version
	DatasetFingerprint string
	Since              time.Time // created at or after
	Limit              int       // newest Limit versions; 0 = all
}

// List returns versions matching f, oldest first.
func (r *Registry) List(ctx context.Context, f Filter) ([]Version, error) {
	q := `SELECT ` + versionCols + ` FROM versions WHERE 1=1`
	var args []any
	add := func(cond string, val any) { q += " AND " + cond; args = append(args, val) }
	if f.Gate != "" {
		add("gate = ?", string(f.Gate))
	}
	if f.Parent != "" {
		add("parent = ?", f.Parent)
	}
	if f.DatasetFingerprint != "" {
		add("dataset_fp = ?", f.DatasetFingerprint)
	}
	if !f.Since.IsZero() {
		add("created >= ?", fmtTime(f.Since))
	}
	q += " ORDER BY seq DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	vs, err := r.queryVersions(ctx, q, args)
	if err != nil {
		return nil, fmt.Errorf("registry: list: %w", err)
	}
	slices.Reverse(vs)
	return vs, nil
}

func (r *Registry) queryVersions(ctx context.Context, q string, args []any) ([]Version, error) {
	rows, err := r.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var vs []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		vs = append(vs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].Artifacts, err = getArtifacts(ctx, r.db, vs[i].ID); err != nil {
			return nil, err
		}
		r.fillPaths(&vs[i])
	}
	return vs, nil
}
