package evaluate

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var sliceName = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_.:-]*)\s*=([^=].*)$`)

// ParseSliceExprs parses "name=EXPR,name=EXPR": commas inside brackets,
// parentheses or quotes belong to the expression, as in
// `hub=origin in ["ATL", "ORD"],late=delay > 15`. Errors wrap
// ErrInvalidInput.
func ParseSliceExprs(s string) ([]SliceExpr, error) {
	var out []SliceExpr
	for _, part := range splitTopLevel(s) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		m := sliceName.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("%w: slice %q: want name=EXPR", ErrInvalidInput, part)
		}
		out = append(out, SliceExpr{Name: m[1], Expr: strings.TrimSpace(m[2])})
	}
	return out, nil
}

// splitTopLevel splits s at commas outside brackets and quotes.
func splitTopLevel(s string) []string {
	var parts []string
	depth, quote, start := 0, rune(0), 0
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'' || r == '`':
			quote = r
		case r == '(' || r == '[' || r == '{':
			depth++
		case r == ')' || r == ']' || r == '}':
			depth--
		case r == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// DecodeSliceFile reads slices from YAML: a mapping of slice names to
// expressions, in file order,
//
//	long_haul: distance > 2000
//	red_eye: hour(date) < 5
//
// Anything else fails with the file and line. Errors wrap ErrInvalidInput.
func DecodeSliceFile(r io.Reader, file string) ([]SliceExpr, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrInvalidInput, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: %w: want a mapping of slice names to expressions", file, ErrInvalidInput)
	}
	m := doc.Content[0]
	var out []SliceExpr
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode || v.Value == "" {
			return nil, fmt.Errorf("%s:%d:%d: %w: want name: expression", file, k.Line, k.Column, ErrInvalidInput)
		}
		out = append(out, SliceExpr{Name: k.Value, Expr: v.Value})
	}
	return out, nil
}
