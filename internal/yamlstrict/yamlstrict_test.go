package yamlstrict

import (
	"errors"
	"testing"
)

type conf struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
	Inner struct {
		On bool `yaml:"on"`
	} `yaml:"inner"`
	Named Named `yaml:"named"`
	List  []struct {
		X int `yaml:"x"`
	} `yaml:"list"`
}

// Named is a named type, which yaml names with its package.
type Named struct{}

var errBad = errors.New("bad config")

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []Error
	}{
		{"good", "name: a\ncount: 3\ninner: {on: true}\n", nil},
		{"unknown and wrong type", "name: a\ncount: many\ninner:\n  of: true\n", []Error{
			{File: "c.yaml", Line: 2, Path: "count", Msg: `want a whole number, got "many"`, Err: errBad},
			{File: "c.yaml", Line: 4, Path: "inner.of", Msg: `unknown key (did you mean "on"?)`, Err: errBad},
		}},
		{"flow style and lists", "name: a\ninner: {on: true, onn: false}\nlist: [{x: 1}, {y: 2}]\n", []Error{
			{File: "c.yaml", Line: 2, Path: "inner.onn", Msg: `unknown key (did you mean "on"?)`, Err: errBad},
			{File: "c.yaml", Line: 3, Path: "list.1.y", Msg: `unknown key (one of: x)`, Err: errBad},
		}},
		{"no close key", "nme: a\n", []Error{
			{File: "c.yaml", Line: 1, Path: "nme", Msg: `unknown key (did you mean "name"?)`, Err: errBad},
		}},
		{"named type", "named: {x: 1}\n", []Error{
			{File: "c.yaml", Line: 1, Path: "named.x", Msg: "unknown key", Err: errBad},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c conf
			root, probs, err := Decode([]byte(tt.yaml), &c, "c.yaml", errBad)
			if err != nil || root == nil {
				t.Fatalf("err %v, root %v", err, root)
			}
			if len(probs) != len(tt.want) {
				t.Fatalf("problems %+v, want %+v", probs, tt.want)
			}
			for i := range probs {
				if *probs[i] != tt.want[i] {
					t.Errorf("problem %d = %+v, want %+v", i, probs[i], tt.want[i])
				}
			}
		})
	}
}

func TestDecodeEmptyAndBroken(t *testing.T) {
	var c conf
	if _, _, err := Decode([]byte("# only a comment\n"), &c, "c.yaml", errBad); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: err %v, want ErrEmpty", err)
	}
	_, probs, err := Decode([]byte("name: [unclosed\n"), &c, "c.yaml", errBad)
	if err != nil || len(probs) == 0 || probs[0].Line == 0 {
		t.Errorf("broken YAML: err %v, problems %+v; want a positioned problem", err, probs)
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Column: 5, Path: "gate 2", Msg: "bad"}, "a.yaml:3:5: gate 2: bad"},
		{Error{File: "a.yaml", Line: 3, Path: "schedules.0.cron", Msg: "bad"}, "a.yaml:3: schedules.0.cron: bad"},
		{Error{File: "a.yaml", Column: 5, Msg: "bad"}, "a.yaml: bad"},
		{Error{File: "policy", Msg: "no gates"}, "policy: no gates"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.e, got, tt.want)
		}
	}
	e := Pos{File: "a.yaml", Line: 1, Column: 2}.Errorf(errBad, "k", "value %d", 7)
	if !errors.Is(e, errBad) || e.Error() != "a.yaml:1:2: k: value 7" {
		t.Errorf("Errorf: %v", e)
	}
}
