package suggest

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"source", "time_column", "strict"}
	for _, tt := range []struct {
		word, want string
		ok         bool
	}{
		{"time_colum", "time_column", true},
		{"Time_Column", "time_column", true},
		{"sourse", "source", true},
		{"strikt", "strict", true},
		{"window", "", false},
		{"x", "", false},
		{"stri", "strict", true},
	} {
		got, ok := Closest(tt.word, keys)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", tt.word, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHint(t *testing.T) {
	if got := Hint("distanse", []string{"ts", "distance"}); got != ` (did you mean "distance"?)` {
		t.Errorf("hint %q", got)
	}
	if got := Hint("zzz", []string{"a", "b"}); got != " (one of: a, b)" {
		t.Errorf("hint %q", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "abc", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"same", "same", 0}} {
		if got := distance(tt.a, tt.b); got != tt.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
