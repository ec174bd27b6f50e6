package yamlstrict

import (
	"errors"
	"testing"
	"time"
)

type conf struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
	Inner struct {
		On bool `yaml:"on"`
	} `yaml:"inner"`
	List []struct {
		X int `yaml:"x"`
	} `yaml:"list"`
	Wait time.Duration `yaml:"wait"`
}

// want is a problem as the tests state it.
type want struct {
	line            int
	path, msg, expl string
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []want
	}{
		{"good", "name: a\ncount: 3\ninner: {on: true}\n", nil},
		{"unknown and wrong type", "name: a\ncount: many\ninner:\n  of: true\n", []want{
			{2, "count", "cannot unmarshal !!str `many` into int", `want a whole number, got "many"`},
			{4, "inner.of", "field of not found in type struct { On bool \"yaml:\\\"on\\\"\" }", `unknown key (did you mean "on"?)`},
		}},
		{"flow style and lists", "name: a\ninner: {on: true, onn: false}\nlist: [{x: 1}, {y: 2}]\n", []want{
			{2, "inner.onn", "", `unknown key (did you mean "on"?)`},
			{3, "list.1.y", "", `unknown key (one of: x)`},
		}},
		{"no close key", "nme: a\nwait: soon\n", []want{
			{1, "nme", "", `unknown key (did you mean "name"?)`},
			{2, "wait", "", `want a duration such as 90m, got "soon"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c conf
			root, probs, err := Decode([]byte(tt.yaml), &c)
			if err != nil || root == nil {
				t.Fatalf("err %v, root %v", err, root)
			}
			if len(probs) != len(tt.want) {
				t.Fatalf("problems %+v, want %+v", probs, tt.want)
			}
			for i, p := range probs {
				w := tt.want[i]
				if p.Line != w.line || p.Path != w.path || (w.msg != "" && p.Msg != w.msg) || p.Explained() != w.expl {
					t.Errorf("problem %d = %+v (%q), want %+v", i, p, p.Explained(), w)
				}
			}
		})
	}
}

func TestDecodeEmptyAndBroken(t *testing.T) {
	var c conf
	if _, _, err := Decode([]byte("# only a comment\n"), &c); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: err %v, want ErrEmpty", err)
	}
	_, probs, err := Decode([]byte("name: [unclosed\n"), &c)
	if err != nil || len(probs) == 0 || probs[0].Line == 0 {
		t.Errorf("broken YAML: err %v, problems %+v; want a positioned problem", err, probs)
	}
}
