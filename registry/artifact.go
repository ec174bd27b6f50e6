package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/internal/crashpoint"
)

const (
	modelsDir     = "models"
	stagingPrefix = ".staging-"
)

// ModelArtifact is the name of the model file inside a registered version
// (the pipeline and the CLI both register models under it); its checksum
// sidecar is stored beside it as ModelArtifact + ".sha256".
const ModelArtifact = "model.safetensors"

// Artifact is one file of a model version, stored as
// models/<version>/<Name>.
type Artifact struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"` // lower-case hex
	Size   int64  `json:"size"`
	// Path is the absolute path of the stored file (filled on read).
	Path string `json:"path,omitempty"`
}

// validArtifactName rejects names that could escape the version folder.
func validArtifactName(name string) bool {
	return name != "" && name != "." && name != ".." &&
		!strings.ContainsAny(name, `/\`) && !strings.HasPrefix(name, stagingPrefix)
}

// stage copies the caller's files into a fresh staging folder under models/,
// computing SHA-256 while copying; every file and the folder are fsynced.
// The caller renames the folder into place or removes it.
func (r *Registry) stage(files map[string]string) (string, []Artifact, error) {
	if err := r.hook("mkdir staging"); err != nil {
		return "", nil, err
	}
	// The pid in the name lets CleanOrphans tell a dead registration's
	// folder from a live one's at once.
	dir, err := os.MkdirTemp(filepath.Join(r.dir, modelsDir), stagingPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", nil, err
	}
	arts, err := r.copyAll(dir, files)
	if err == nil {
		err = r.hook("sync staging dir")
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, arts, nil
}

func (r *Registry) copyAll(dir string, files map[string]string) ([]Artifact, error) {
	var arts []Artifact
	for _, name := range slices.Sorted(maps.Keys(files)) {
		a, err := copyFile(files[name], filepath.Join(dir, name), r.hook)
		if err != nil {
			return nil, fmt.Errorf("artifact %s: %w", name, err)
		}
		a.Name = name
		arts = append(arts, a)
	}
	return arts, nil
}

// copyFile copies src to dst (a new file), hashing on the way, and fsyncs dst.
func copyFile(src, dst string, hook func(string) error) (Artifact, error) {
	if err := hook("copy " + filepath.Base(dst)); err != nil {
		return Artifact{}, err
	}
	in, err := os.Open(src)
	if err != nil {
		return Artifact{}, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return Artifact{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = hook("sync " + filepath.Base(dst))
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Artifact{}, err
	}
	crashpoint.Hit("sync staged " + filepath.Base(dst))
	return Artifact{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

// hashFile returns the SHA-256 (hex) and size of path.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// verifyArtifacts checks every artifact's size and SHA-256 against disk.
func verifyArtifacts(arts []Artifact) error {
	for _, a := range arts {
		sum, n, err := hashFile(a.Path)
		if err != nil {
			return fmt.Errorf("artifact %s: %w: %w", a.Name, ErrCorrupt, err)
		}
		if n != a.Size || sum != a.SHA256 {
			return fmt.Errorf("artifact %s: %w: sha256 %s size %d, catalog says %s size %d",
				a.Name, ErrCorrupt, sum, n, a.SHA256, a.Size)
		}
	}
	return nil
}

// syncDir fsyncs a directory so renames and creations inside it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		crashpoint.Hit("sync dir " + filepath.Base(dir))
	}
	return err
}
