package evaluate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/yamlstrict"
)

func TestPolicyGoodFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.good.yaml")
	if len(files) == 0 {
		t.Fatal("no testdata/*.good.yaml")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := DecodePolicy(f, file); err != nil {
				t.Fatal(err)
			}
		})
	}
}

var wantRe = regexp.MustCompile(`(?m)^\s*# want: (\d+):(\d+): (.*)$`)

// TestPolicyBadFiles checks that every "# want: line:col: message" comment
// of a *.bad.yaml file is reported, with nothing else, in one error.
func TestPolicyBadFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.bad.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodePolicy(strings.NewReader(string(data)), file)
			if !errors.Is(err, ErrInvalidPolicy) {
				t.Fatalf("got %v, want ErrInvalidPolicy", err)
			}
			got := policyErrors(err)
			wants := wantRe.FindAllStringSubmatch(string(data), -1)
			if len(got) != len(wants) {
				t.Errorf("%d errors, want %d:\n%v", len(got), len(wants), err)
			}
			for _, w := range wants {
				at := fmt.Sprintf("%s:%s", w[1], w[2])
				if !slices.ContainsFunc(got, func(e *yamlstrict.Error) bool {
					return fmt.Sprintf("%d:%d", e.Line, e.Column) == at && strings.Contains(e.Msg, w[3])
				}) {
					t.Errorf("missing error at %s: %q; got:\n%v", at, w[3], err)
				}
			}
		})
	}
}

func policyErrors(err error) []*yamlstrict.Error {
	var out []*yamlstrict.Error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, policyErrors(e)...)
		}
		return out
	}
	var pe *yamlstrict.Error
	if errors.As(err, &pe) {
		out = append(out, pe)
	}
	return out
}

func TestPolicyErrorMessage(t *testing.T) {
	_, err := DecodePolicy(strings.NewReader("gates:\n  - {metric: acu, min: 0.6}\n"), "gates.yaml")
	want := `gates.yaml:2:6: gate 1: unknown metric "acu"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want prefix %q", err, want)
	}
}
