package registry

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAliasesOf(t *testing.T) {
	aliases := map[string]string{"champion": "v0002", "stable": "v0002", "canary": "v0003"}
	for _, tt := range []struct {
		id   string
		want []string
	}{
		{"v0002", []string{"champion", "stable"}},
		{"v0003", []string{"canary"}},
		{"v0001", []string{}},
	} {
		if got := AliasesOf(aliases, tt.id); !slices.Equal(got, tt.want) || got == nil {
			t.Errorf("AliasesOf(%s) = %#v, want %#v", tt.id, got, tt.want)
		}
	}
}

func TestVersionText(t *testing.T) {
	created := time.Date(2001, 4, 1, 2, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	card := filepath.Join(dir, CardArtifact)
	if err := os.WriteFile(card, []byte("# card\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v1 := Version{ID: "v0001", Created: created, Gate: GateMissing, State: StateAbandoned, Metrics: json.RawMessage(`{ "auc": 0.7 }`)}
	v2 := Version{ID: "v0002", Created: created, Gate: GatePassed, State: "active", RunID: "r1", Parent: "v0001",
		Artifacts: []Artifact{{Name: CardArtifact, Path: card, Size: 7, SHA256: "ab"}}}
	got, err := ReadCard(v2)
	if err != nil || got != "# card\n" {
		t.Fatalf("ReadCard = %q, %v", got, err)
	}
	if got, err := ReadCard(v1); err != nil || got != "" {
		t.Errorf("ReadCard of a version without a card = %q, %v", got, err)
	}
	var b strings.Builder
	if err := WriteVersionTable(&b, []VersionInfo{{Version: v2, Aliases: []string{"champion", "stable"}}, {Version: v1}}); err != nil {
		t.Fatal(err)
	}
	want := "version  created               gate     state      run  parent  aliases\n" +
		"v0002    2001-04-01 02:00:00Z  passed   active     r1   v0001   champion,stable\n" +
		"v0001    2001-04-01 02:00:00Z  missing  abandoned  -    -       -\n"
	if b.String() != want {
		t.Errorf("WriteVersionTable:\n%s\nwant:\n%s", b.String(), want)
	}
	for _, tt := range []struct {
		name string
		v    VersionInfo
		want string
	}{
		{"with card", VersionInfo{Version: v2, Aliases: []string{"champion"}, Card: "# card\n"},
			"version  v0002\ncreated  2001-04-01 02:00:00Z\ngate     passed\nstate    active\nrun      r1\nparent   v0001\naliases  champion\n" +
				"artifact MODEL_CARD.md  7 bytes  sha256 ab\nmetrics  null\ngate reasons null\n\n# card\n"},
		{"abandoned, no card", VersionInfo{Version: v1},
			"version  v0001\ncreated  2001-04-01 02:00:00Z\ngate     missing\n" +
				"state    abandoned (its run was interrupted before deciding; promote only with --force --reason)\nrun      -\nparent   -\naliases  -\n" +
				"metrics  {\"auc\":0.7}\ngate reasons null\nmodel card  none (only versions registered by a run have one)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.v.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("WriteText:\n%q\nwant:\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestHistoryText(t *testing.T) {
	at := time.Date(2001, 4, 1, 2, 0, 0, 0, time.FixedZone("x", 3600))
	var b strings.Builder
	if err := WriteHistoryText(&b, "champion", nil); err != nil || b.String() != "alias champion has never been set\n" {
		t.Errorf("empty history: %q, %v", b.String(), err)
	}
	b.Reset()
	hist := []HistoryEntry{{Seq: 1, At: at, Kind: "set", To: "v0001"}, {Seq: 2, At: at, Kind: "rollback", Forced: true, From: "v0002", To: "v0001", Actor: "ann", Reason: "bad"}}
	if err := WriteHistoryText(&b, "champion", hist); err != nil {
		t.Fatal(err)
	}
	want := "#  at                    change             from   to     by   reason\n" +
		"1  2001-04-01 01:00:00Z  set                -      v0001  -    -\n" +
		"2  2001-04-01 01:00:00Z  rollback (forced)  v0002  v0001  ann  bad\n"
	if b.String() != want {
		t.Errorf("WriteHistoryText:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestQuarantineText(t *testing.T) {
	at := time.Date(2001, 4, 1, 2, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		list []Quarantined
		want string
	}{
		{"none", nil, "no file under quarantine\n"},
		{"held and released", []Quarantined{
			{Path: "data/a.parquet", Reason: "torn", At: at},
			{Path: "data/b.parquet", Reason: "bad", At: at, Actor: "ann", Released: at.Add(time.Hour), ReleasedBy: "bob"}},
			"data/a.parquet\n  quarantined 2001-04-01T02:00:00Z by -: torn\n" +
				"data/b.parquet\n  quarantined 2001-04-01T02:00:00Z by ann: bad\n  released 2001-04-01T03:00:00Z by bob\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteQuarantineText(&b, tt.list); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("WriteQuarantineText:\n%q\nwant:\n%q", b.String(), tt.want)
			}
		})
	}
}
