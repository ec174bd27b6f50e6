package modelref

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/modeltest"
	"github.com/refit-ml/refit/registry"
)

// TestLoad loads a model file, then the same model registered and
// promoted, by version and by alias.
func TestLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := modeltest.SaveModel(t, dir, "m.refit", modeltest.Rows(100, 1), 1, 1)
	ws := filepath.Join(dir, "ws")
	l, err := Load(ctx, path, ws)
	if err != nil || l.Ref != path || l.Path != path || l.Version != "" || l.Model == nil {
		t.Fatalf("Load(file) = %+v, %v", l, err)
	}
	if e := l.Entry(); e.Name != path || e.Path != path || e.Model != l.Model {
		t.Errorf("Entry = %+v", e)
	}
	if _, err := Load(ctx, "champion", ws); !errors.Is(err, registry.ErrNoWorkspace) || !strings.Contains(err.Error(), "check --workspace") {
		t.Errorf("Load in a missing workspace: %v", err)
	}
	reg, err := registry.Open(ctx, ws, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := reg.Register(ctx, registry.RegisterRequest{Gate: registry.GatePassed, Files: map[string]string{registry.ModelArtifact: path}})
	if err == nil {
		err = reg.Promote(ctx, v.ID, registry.Champion, registry.PromoteOptions{})
	}
	reg.Close()
	if err != nil {
		t.Fatal(err)
	}
	all, err := LoadAll(ctx, []string{v.ID, "champion"}, ws)
	if err != nil || len(all) != 2 || all[0].Version != v.ID || all[1].Version != v.ID || all[1].Ref != "champion" {
		t.Fatalf("LoadAll = %+v, %v", all, err)
	}
	reg, err = OpenExisting(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	info, err := Show(ctx, reg, "champion")
	if err != nil || info.ID != v.ID || !slices.Equal(info.Aliases, []string{"champion"}) {
		t.Errorf("Show = %+v, %v", info, err)
	}
	if _, err := Resolve(ctx, "v0009", ws); !errors.Is(err, registry.ErrNotFound) {
		t.Errorf("Resolve of a missing version: %v", err)
	}
}
