package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/refit-ml/refit/docs"
)

func TestHelpTopics(t *testing.T) {
	for _, tp := range docs.Topics {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"help", tp.Name}, &stdout, &stderr); code != 0 {
			t.Fatalf("help %s: exit %d: %s", tp.Name, code, stderr.String())
		}
		page, _ := docs.Page(tp.Name)
		if stdout.String() != page || !strings.Contains(page, "## `") {
			t.Errorf("help %s does not print its page:\n%.200s", tp.Name, stdout.String())
		}
	}
	runCases(t, t.TempDir(), nil, []cliCase{
		{"help_unknown_topic", []string{"help", "nope"}, 2},
		{"help_command", []string{"help", "version"}, 0},
	}, nil)
}
