// Package modelref resolves the model references the CLI takes (a model
// file, a registry version id such as v0003, or an alias such as
// champion) to loaded models, and opens a workspace's registry for the
// commands that read it or move an alias, which must not create one.
//
// Errors for a missing workspace wrap [registry.ErrNoWorkspace] and name
// the flags that choose it, since every caller is a command line.
package modelref

import (
	"context"
	"errors"
	"fmt"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/score"
)

// DefaultWorkspace is the workspace when neither --workspace nor
// $REFIT_WORKSPACE is set.
const DefaultWorkspace = "./refit-workspace"

// Loaded is a model with where it came from. It marshals to JSON as its
// Source: {"ref", "path", "version"}.
type Loaded struct {
	score.Source
	// Model is the loaded model.
	Model *model.Model `json:"-"`
}

// Entry is the model as evaluate.Compare takes it, named by its reference.
func (l *Loaded) Entry() evaluate.Entry {
	return evaluate.Entry{Model: l.Model, Name: l.Ref, Path: l.Path}
}

// Load loads ref: a model file if one exists at that path, else a registry
// version id (v0003) or alias (champion) in the workspace dir.
func Load(ctx context.Context, ref, dir string) (*Loaded, error) {
	m, src, err := score.LoadModel(ctx, ref, dir)
	if err != nil {
		return nil, hint(err)
	}
	return &Loaded{Source: src, Model: m}, nil
}

// LoadAll loads every reference, in order.
func LoadAll(ctx context.Context, refs []string, dir string) ([]*Loaded, error) {
	out := make([]*Loaded, len(refs))
	for i, ref := range refs {
		l, err := Load(ctx, ref, dir)
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

// OpenExisting opens the registry of the workspace dir, which must exist:
// a mistyped --workspace is an error, not a new empty workspace.
func OpenExisting(ctx context.Context, dir string) (*registry.Registry, error) {
	reg, err := registry.Open(ctx, dir, registry.Options{MustExist: true})
	return reg, hint(err)
}

// Resolve looks ref up in the workspace dir as a version id, then as an
// alias.
func Resolve(ctx context.Context, ref, dir string) (registry.Version, error) {
	reg, err := OpenExisting(ctx, dir)
	if err != nil {
		return registry.Version{}, err
	}
	defer reg.Close()
	return score.ResolveVersion(ctx, reg, ref)
}

// hint adds which flags choose the workspace to a missing workspace's
// error.
func hint(err error) error {
	if errors.Is(err, registry.ErrNoWorkspace) {
		return fmt.Errorf("%w (check --workspace, or $REFIT_WORKSPACE)", err)
	}
	return err
}

// Show describes the version ref (a version id or an alias) of reg: the
// version, the aliases that point at it, and its model card.
func Show(ctx context.Context, reg *registry.Registry, ref string) (registry.VersionInfo, error) {
	v, err := score.ResolveVersion(ctx, reg, ref)
	if err != nil {
		return registry.VersionInfo{}, err
	}
	aliases, err := reg.Aliases(ctx)
	if err != nil {
		return registry.VersionInfo{}, err
	}
	info := registry.VersionInfo{Version: v, Aliases: registry.AliasesOf(aliases, v.ID)}
	info.Card, err = registry.ReadCard(v)
	return info, err
}
