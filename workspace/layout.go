package workspace

import (
	"path/filepath"

	"github.com/refit-ml/refit/schedules"
)

// Names of a workspace's files and folders, relative to its directory.
const (
	CatalogFile = "catalog.db" // the registry's SQLite catalog
	ModelsDir   = "models"     // one folder per registered version
	RunsDir     = "runs"       // one folder per run: RecordFile, ReportFile, evidence
	LockFile    = "refit.lock" // held by a run, a serve job or a catalog rebuild
	TmpDir      = "tmp"        // a run's temporary work, on the workspace's file system
	RecordFile  = "run.json"   // a run's Record
	ReportFile  = "report.html"
)

// Dir is a workspace directory. Its methods only build paths; nothing is
// created or read.
type Dir string

// CatalogPath is the catalog database's path.
func (d Dir) CatalogPath() string { return filepath.Join(string(d), CatalogFile) }

// ModelsPath is the folder of the registered versions.
func (d Dir) ModelsPath() string { return filepath.Join(string(d), ModelsDir) }

// RunsPath is the folder of the runs' folders.
func (d Dir) RunsPath() string { return filepath.Join(string(d), RunsDir) }

// RunPath is the folder of run id.
func (d Dir) RunPath(id string) string { return filepath.Join(string(d), RunsDir, id) }

// RecordPath is the path of run id's record.
func (d Dir) RecordPath(id string) string { return filepath.Join(string(d), RunsDir, id, RecordFile) }

// TmpPath is the folder for temporary work.
func (d Dir) TmpPath() string { return filepath.Join(string(d), TmpDir) }

// LockPath is the workspace lock's file.
func (d Dir) LockPath() string { return filepath.Join(string(d), LockFile) }

// Lock returns the workspace's lock, unheld: `refit run`, each job of
// `refit serve` and a catalog rebuild hold it while they change the
// workspace.
func (d Dir) Lock() *schedules.FileLock { return schedules.NewFileLock(d.LockPath()) }
