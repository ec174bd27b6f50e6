// Package docs holds the reference of every file format refit reads:
// refit.yaml (the pipeline config), gate policies and expectations files.
// The Markdown files are generated from the Go types the files decode into
// (keys, types, defaults, descriptions from the fields' doc comments) by
// internal/reference; a test keeps them equal to the generator's output
// (`go test ./docs -update` rewrites them). `refit help config`,
// `refit help gate-policy` and `refit help expectations` print them.
package docs

import (
	"embed"
	"slices"
)

//go:embed config.md gate-policy.md expectations.md
var files embed.FS

// Topic is one reference page.
type Topic struct {
	Name, File, Short string
}

// Topics are the reference pages, by the name `refit help` takes.
var Topics = []Topic{
	{"config", "config.md", "refit.yaml, the pipeline configuration: every key, its type, default and an example"},
	{"gate-policy", "gate-policy.md", "gate policies (refit gate --policy, evaluate.gates in refit.yaml)"},
	{"expectations", "expectations.md", "expectations files (refit infer writes one; refit audit --expect reads it)"},
}

// Page returns the Markdown of a topic; false when there is none.
func Page(name string) (string, bool) {
	i := slices.IndexFunc(Topics, func(t Topic) bool { return t.Name == name })
	if i < 0 {
		return "", false
	}
	b, err := files.ReadFile(Topics[i].File)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// Names are the topics' names, in order.
func Names() []string {
	out := make([]string, len(Topics))
	for i, t := range Topics {
		out[i] = t.Name
	}
	return out
}
