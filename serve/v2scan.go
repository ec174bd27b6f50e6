package serve

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// A value is one element of an input's data, as its JSON text: the
// request was already decoded, so the text is valid JSON.
type value struct {
	kind byte   // 'n' number, 's' string, '0' null, 'b' bool, '{' object
	raw  []byte // the JSON text
}

// str is a string value's contents.
func (v value) str() string {
	body := v.raw[1 : len(v.raw)-1]
	for _, c := range body {
		if c == '\\' {
			var s string
			_ = json.Unmarshal(v.raw, &s) // valid JSON: cannot fail
			return s
		}
	}
	return string(body)
}

func (v value) String() string { return string(v.raw) }

// scanValues splits a valid JSON array of scalars, or of one-element
// arrays (row-major [N, 1]), into its values, appending at most limit of
// them to dst; n is how many there are. The limit keeps a body of many
// small values from costing many times its size in memory.
func scanValues(data []byte, dst []value, limit int) (vals []value, n int, err error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, 0, fmt.Errorf("data is not a JSON array")
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return dst, 0, nil
	}
	for row := 0; ; row++ {
		var v value
		var err error
		if data[i] == '[' {
			v, i, err = scanNested(data, i, row)
		} else {
			v, i = scanScalar(data, i)
		}
		if err != nil {
			return nil, 0, err
		}
		if row < limit {
			dst = append(dst, v)
		}
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == ']' {
			return dst, row + 1, nil
		}
		i = skipSpace(data, i+1) // ','
	}
}

// scanNested reads [scalar] at data[i].
func scanNested(data []byte, i, row int) (value, int, error) {
	i = skipSpace(data, i+1)
	if data[i] == ']' || data[i] == '[' {
		return value{}, 0, fmt.Errorf("row %d: want one value, not %s", row, firstToken(data[i:]))
	}
	v, i := scanScalar(data, i)
	if i = skipSpace(data, i); data[i] != ']' {
		return value{}, 0, fmt.Errorf("row %d has more than one value, want 1", row)
	}
	return v, i + 1, nil
}

// scanScalar reads one value at data[i]; an object or array is kept
// whole, for the caller to refuse.
func scanScalar(data []byte, i int) (value, int) {
	start := i
	switch c := data[i]; c {
	case '"':
		for i++; data[i] != '"'; i++ {
			if data[i] == '\\' {
				i++
			}
		}
		return value{'s', data[start : i+1]}, i + 1
	case 'n':
		return value{'0', data[i : i+4]}, i + 4
	case 't':
		return value{'b', data[i : i+4]}, i + 4
	case 'f':
		return value{'b', data[i : i+5]}, i + 5
	case '{', '[':
		return value{'{', data[i : i+1]}, skipComposite(data, i)
	}
	for i < len(data) && isNumberByte(data[i]) {
		i++
	}
	return value{'n', data[start:i]}, i
}

// skipComposite skips the object or array at data[i].
func skipComposite(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

func firstToken(b []byte) string {
	if len(b) > 1 {
		b = b[:1]
	}
	return strconv.Quote(string(b))
}
