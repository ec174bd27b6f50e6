// Package suggest finds the name a user probably meant: the "did you
// mean" of configuration keys and column names.
package suggest

import (
	"fmt"
	"strings"
)

// Closest returns the candidate nearest to word by edit distance
// (Levenshtein, case-insensitive), if one is near enough to be a likely
// typo: at most a third of the longer name's length (at least 1, at most
// 3 edits), and not every character; or one that word abbreviates.
// Ties go to the earlier candidate.
func Closest(word string, candidates []string) (string, bool) {
	best, bestD := "", -1
	w := strings.ToLower(word)
	for _, c := range candidates {
		d := distance(w, strings.ToLower(c))
		longer := max(len(word), len(c))
		if limit := min(3, max(1, longer/3)); (d > limit || d >= longer) && !abbreviates(w, strings.ToLower(c)) {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD >= 0
}

// abbreviates says whether w is a start of c long enough to mean it
// (max_frac for max_fraction).
func abbreviates(w, c string) bool { return len(w) >= 4 && len(w) < len(c) && strings.HasPrefix(c, w) }

// Hint is " (did you mean "x"?)" for the closest candidate, or, when none
// is close and there are few, " (one of: a, b, c)"; else "".
func Hint(word string, candidates []string) string {
	if c, ok := Closest(word, candidates); ok {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	if len(candidates) > 0 && len(candidates) <= 12 {
		return " (one of: " + strings.Join(candidates, ", ") + ")"
	}
	return ""
}

// distance is the Levenshtein distance between a and b, by bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
