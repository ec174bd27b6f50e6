package pipeline_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// hook checks the last run's on_promote hook results: "hook N ok",
// "hook N failed \"TEXT\"" or "hooks none".
func (s *scenario) hook(line string) error {
	if s.last == nil {
		return fmt.Errorf("want a run before %q", line)
	}
	if line == "hooks none" {
		return s.expect(len(s.last.Hooks) == 0, "hooks %+v", s.last.Hooks)
	}
	f := strings.SplitN(line, " ", 4)
	if len(f) < 3 {
		return fmt.Errorf("want hook N ok|failed [\"TEXT\"]")
	}
	i, err := strconv.Atoi(f[1])
	if err != nil || i < 0 || i >= len(s.last.Hooks) {
		return fmt.Errorf("hook %s: the run called %d hooks: %+v", f[1], len(s.last.Hooks), s.last.Hooks)
	}
	h := s.last.Hooks[i]
	if f[2] == "ok" {
		return s.expect(h.OK, "hook %d: %+v", i, h)
	}
	text := ""
	if len(f) == 4 {
		if text, err = strconv.Unquote(f[3]); err != nil {
			return fmt.Errorf("want hook N failed \"TEXT\"")
		}
	}
	return s.expect(!h.OK && strings.Contains(h.Error, text), "hook %d: %+v", i, h)
}

// fileContains checks that a file under the scenario folder contains a
// text: FILE "TEXT".
func (s *scenario) fileContains(rest string) error {
	path, quoted, _ := strings.Cut(rest, " ")
	text, err := strconv.Unquote(quoted)
	if err != nil {
		return fmt.Errorf("want file PATH \"TEXT\"")
	}
	data, err := os.ReadFile(filepath.Join(s.dir, path))
	if err != nil {
		return err
	}
	return s.expect(strings.Contains(string(data), text), "%s holds %.300q", path, data)
}
