package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// CardArtifact is the model card a pipeline run registers with each
// version.
const CardArtifact = "MODEL_CARD.md"

// VersionInfo is a version with the aliases pointing at it, as
// `refit models` lists and shows it.
type VersionInfo struct {
	Version
	Aliases []string `json:"aliases"`
	Card    string   `json:"model_card,omitempty"` // MODEL_CARD.md, in show
}

// AliasesOf returns the names of aliases (name to version id) that point
// at id, sorted; empty, not nil, when none does.
func AliasesOf(aliases map[string]string, id string) []string {
	out := []string{}
	for name, target := range aliases {
		if target == id {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// ReadCard reads a version's model card; "" when it has none (versions
// registered by hand have none).
func ReadCard(v Version) (string, error) {
	a, ok := v.Artifact(CardArtifact)
	if !ok {
		return "", nil
	}
	data, err := os.ReadFile(a.Path)
	if err != nil {
		return "", fmt.Errorf("model card of %s: %w", v.ID, err)
	}
	return string(data), nil
}

// textTime is how the text tables show times.
const textTime = "2006-01-02 15:04:05Z07:00"

// WriteVersionTable writes one table row per version.
func WriteVersionTable(w io.Writer, vs []VersionInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "version\tcreated\tgate\tstate\trun\tparent\taliases")
	for _, v := range vs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Created.Format(textTime),
			v.Gate, v.State, orDash(v.RunID), orDash(v.Parent), orDash(strings.Join(v.Aliases, ",")))
	}
	return tw.Flush()
}

// WriteText writes a version's fields, artifacts, metrics, gate reasons
// and model card.
func (v VersionInfo) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "version  %s\ncreated  %s\ngate     %s\nstate    %s\nrun      %s\nparent   %s\naliases  %s\n", v.ID,
		v.Created.Format(textTime), v.Gate, stateText(v.Version), orDash(v.RunID), orDash(v.Parent), orDash(strings.Join(v.Aliases, ",")))
	for _, a := range v.Artifacts {
		fmt.Fprintf(w, "artifact %s  %d bytes  sha256 %s\n", a.Name, a.Size, a.SHA256)
	}
	fmt.Fprintf(w, "metrics  %s\ngate reasons %s\n", compactJSON(v.Metrics), compactJSON(v.GateReasons))
	if v.Card == "" {
		_, err := fmt.Fprintln(w, "model card  none (only versions registered by a run have one)")
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s", v.Card)
	return err
}

// stateText is a version's state with what it means for promotion.
func stateText(v Version) string {
	switch v.State {
	case StateAbandoned:
		return v.State + " (its run was interrupted before deciding; promote only with --force --reason)"
	case StatePending:
		return v.State + " (its run has not finished)"
	}
	return v.State
}

func compactJSON(raw json.RawMessage) string {
	b, err := json.Marshal(raw)
	if err != nil {
		return string(raw)
	}
	return string(b)
}

// WriteHistoryText writes an alias's changes as a table, oldest first.
func WriteHistoryText(w io.Writer, alias string, hist []HistoryEntry) error {
	if len(hist) == 0 {
		_, err := fmt.Fprintf(w, "alias %s has never been set\n", alias)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tat\tchange\tfrom\tto\tby\treason")
	for _, h := range hist {
		kind := h.Kind
		if h.Forced {
			kind += " (forced)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Seq, h.At.UTC().Format(textTime), kind,
			orDash(h.From), h.To, orDash(h.Actor), orDash(h.Reason))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteQuarantineText lists quarantined files: when, by whom and why each
// was quarantined, and released when it was.
func WriteQuarantineText(w io.Writer, list []Quarantined) error {
	if len(list) == 0 {
		_, err := fmt.Fprintln(w, "no file under quarantine")
		return err
	}
	for _, q := range list {
		fmt.Fprintf(w, "%s\n  quarantined %s by %s: %s\n", q.Path, q.At.Format(time.RFC3339), orDash(q.Actor), q.Reason)
		if !q.Released.IsZero() {
			fmt.Fprintf(w, "  released %s by %s\n", q.Released.Format(time.RFC3339), orDash(q.ReleasedBy))
		}
	}
	return nil
}

// WriteQuarantinedText reports a new quarantine: "quarantined PATH: REASON".
func WriteQuarantinedText(w io.Writer, q Quarantined) error {
	_, err := fmt.Fprintf(w, "quarantined %s: %s\n", q.Path, q.Reason)
	return err
}

// WriteReleasedText reports a lifted quarantine, with when and why it was
// quarantined.
func WriteReleasedText(w io.Writer, q Quarantined) error {
	_, err := fmt.Fprintf(w, "released %s (quarantined %s: %s)\n", q.Path, q.At.Format(time.RFC3339), q.Reason)
	return err
}

// Infos lists every version as List does, each with the aliases that
// point at it.
func (r *Registry) Infos(ctx context.Context) ([]VersionInfo, error) {
	vs, err := r.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	aliases, err := r.Aliases(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]VersionInfo, len(vs))
	for i, v := range vs {
		out[i] = VersionInfo{Version: v, Aliases: AliasesOf(aliases, v.ID)}
	}
	return out, nil
}
