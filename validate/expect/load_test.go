package expect

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/yamlstrict"
)

func TestDecodeExpectationsFiles(t *testing.T) {
	good, _ := filepath.Glob("testdata/expect_*.good.yaml")
	bad, _ := filepath.Glob("testdata/expect_*.bad.yaml")
	if len(good) == 0 || len(bad) == 0 {
		t.Fatal("no testdata")
	}
	for _, path := range good {
		t.Run(filepath.Base(path), func(t *testing.T) {
			if _, err := Load(path); err != nil {
				t.Errorf("unexpected error:\n%v", err)
			}
		})
	}
	for _, path := range bad {
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, err := Load(path)
			if !errors.Is(err, ErrInvalidExpectations) {
				t.Fatalf("err = %v, want ErrInvalidExpectations", err)
			}
			for _, w := range wantedErrors(t, path) {
				if !strings.Contains(err.Error(), path+":"+w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// wantedErrors reads the "# error: " comment lines of a bad file.
func wantedErrors(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if w, ok := strings.CutPrefix(sc.Text(), "# error: "); ok {
			out = append(out, w)
		}
	}
	return out
}

func TestExpectationsRoundTrip(t *testing.T) {
	e, err := Load("testdata/expect_full.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(out, "encoded")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out2, err := back.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, out2) {
		t.Errorf("encode → decode → encode differs:\n%s\n---\n%s", out, out2)
	}
	if got := strings.Join(back.ColumnOrder, ","); got != "date,delay,origin,id" {
		t.Errorf("column order %s", got)
	}
}

// Problems are *yamlstrict.Error values at their key, matching
// ErrInvalidExpectations; expectations without a file name are called
// "expectations".
func TestExpectationsErrorPositioned(t *testing.T) {
	_, err := Decode([]byte("version: 1\ncolumns:\n  a:\n    nulls: {max_fraction: 2}\n"), "")
	var pe *yamlstrict.Error
	if !errors.Is(err, ErrInvalidExpectations) || !errors.As(err, &pe) {
		t.Fatalf("got %v, want ErrInvalidExpectations and a *yamlstrict.Error", err)
	}
	if pe.File != "expectations" || pe.Line != 4 || pe.Column == 0 || !strings.Contains(pe.Msg, "max_fraction 2") {
		t.Errorf("problem %+v", *pe)
	}
}
