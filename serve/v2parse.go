package serve

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// rawRequest is an infer request as the column builder reads it: every
// byte slice points into the request body (or, for a body the fast
// parser leaves to encoding/json, into that decoder's strings).
type rawRequest struct {
	id      []byte
	inputs  []rawTensor
	outputs [][]byte // the names asked for
	shapes  []int64  // storage for the inputs' shapes
}

// rawTensor is one input.
type rawTensor struct {
	name     []byte  // the name, unquoted
	datatype []byte  // the datatype, unquoted
	shape    []int64 // nil when absent
	data     []byte  // the JSON text of data; nil when absent
}

func (r *rawRequest) reset() {
	r.id = nil
	r.inputs = r.inputs[:0]
	r.outputs = r.outputs[:0]
	r.shapes = r.shapes[:0]
}

// maxFastDepth is how deeply nested a value the fast parser checks; a
// deeper one goes to encoding/json, which has its own limit.
const maxFastDepth = 100

// parseFast reads the Open Inference Protocol request in b into r in one
// pass, without reflection or copies. It takes only bodies whose meaning
// is plain: one JSON object, known keys spelled exactly once in their
// exact case, names and datatypes without escapes. It returns false for
// anything else (malformed JSON, a wrong type, a key in another case, a
// duplicate key, trailing text): decodeInfer then gives the body to
// encoding/json, whose result (or error message) is the definition the
// fast parser agrees with on every body it takes (FuzzInferJSON checks).
func parseFast(b []byte, r *rawRequest) bool {
	r.reset()
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	var seen [4]bool // id, inputs, outputs, parameters
	i, ok := objectStart(b, i)
	for ok && i < len(b) && b[i] != '}' {
		var key []byte
		if key, i, ok = objectKey(b, i); !ok {
			return false
		}
		k := slotOf(key, "id", "inputs", "outputs", "parameters")
		switch {
		case k == -2:
			return false
		case k >= 0 && seen[k]:
			return false
		case k >= 0:
			seen[k] = true
		}
		switch k {
		case 0:
			r.id, i, ok = plainString(b, i)
		case 1:
			i, ok = parseInputs(b, i, r)
		case 2:
			i, ok = parseOutputs(b, i, r)
		case 3:
			i, ok = skipParameters(b, i)
		default:
			i, ok = skipValue(b, i, 0, false)
		}
		if !ok {
			return false
		}
		i, ok = objectNext(b, i)
	}
	if !ok || i >= len(b) {
		return false
	}
	return skipSpace(b, i+1) == len(b)
}

// slotOf is the index of key among names, -1 for another key and -2 for
// a key encoding/json would match to a name case-insensitively.
func slotOf(key []byte, names ...string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return -2
		}
	}
	return -1
}

// objectStart steps past the '{' at b[i] and its spaces.
func objectStart(b []byte, i int) (int, bool) {
	return skipSpace(b, i+1), true
}

// objectKey reads `"key" :` at b[i] and returns the key and the index of
// its value. Keys with escapes or non-ASCII bytes are refused: encoding/
// json folds their case in ways this parser does not copy.
func objectKey(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	start := i + 1
	for i = start; i < len(b) && b[i] != '"'; i++ {
		if c := b[i]; c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return nil, i, false
		}
	}
	if i >= len(b) {
		return nil, i, false
	}
	key := b[start:i]
	i = skipSpace(b, i+1)
	if i >= len(b) || b[i] != ':' {
		return nil, i, false
	}
	return key, skipSpace(b, i+1), true
}

// objectNext steps past the spaces after a member and its ',' if any; it
// stops at the closing '}'.
func objectNext(b []byte, i int) (int, bool) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '}':
		return i, true
	case ',':
		i = skipSpace(b, i+1)
		return i, i < len(b) && b[i] == '"'
	}
	return i, false
}

// arrayNext is objectNext for arrays.
func arrayNext(b []byte, i int) (int, bool) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case ']':
		return i, true
	case ',':
		i = skipSpace(b, i+1)
		return i, i < len(b) && b[i] != ']'
	}
	return i, false
}

// plainString reads a string without escapes (or null, as empty) at b[i]
// and returns its contents.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if isNull(b, i) {
		return nil, i + 4, true
	}
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	start, ascii := i+1, true
	for i = start; i < len(b) && b[i] != '"'; i++ {
		c := b[i]
		if c == '\\' || c < 0x20 {
			return nil, i, false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if i >= len(b) || (!ascii && !utf8.Valid(b[start:i])) {
		return nil, i, false
	}
	return b[start:i], i + 1, true
}

func isNull(b []byte, i int) bool {
	return len(b)-i >= 4 && string(b[i:i+4]) == "null"
}

func parseInputs(b []byte, i int, r *rawRequest) (int, bool) {
	if isNull(b, i) {
		return i + 4, true
	}
	if i >= len(b) || b[i] != '[' {
		return i, false
	}
	ok := true
	for i = skipSpace(b, i+1); ok && i < len(b) && b[i] != ']'; i, ok = arrayNext(b, i) {
		if b[i] != '{' {
			return i, false
		}
		r.inputs = append(r.inputs, rawTensor{})
		if i, ok = parseTensor(b, i, r, &r.inputs[len(r.inputs)-1]); !ok {
			return i, false
		}
	}
	return i + 1, ok && i < len(b)
}

func parseTensor(b []byte, i int, r *rawRequest, t *rawTensor) (int, bool) {
	var seen [5]bool // name, shape, datatype, data, parameters
	i, ok := objectStart(b, i)
	for ok && i < len(b) && b[i] != '}' {
		var key []byte
		if key, i, ok = objectKey(b, i); !ok {
			return i, false
		}
		k := slotOf(key, "name", "shape", "datatype", "data", "parameters")
		switch {
		case k == -2:
			return i, false
		case k >= 0 && seen[k]:
			return i, false
		case k >= 0:
			seen[k] = true
		}
		switch k {
		case 0:
			t.name, i, ok = plainString(b, i)
		case 1:
			i, ok = parseShape(b, i, r, t)
		case 2:
			t.datatype, i, ok = plainString(b, i)
		case 3:
			start := i
			if i, ok = skipValue(b, i, 0, false); ok {
				t.data = b[start:i]
			}
		case 4:
			i, ok = skipParameters(b, i)
		default:
			i, ok = skipValue(b, i, 0, false)
		}
		if !ok {
			return i, false
		}
		i, ok = objectNext(b, i)
	}
	return i + 1, ok && i < len(b)
}

// parseShape reads an array of integers (or null) into t.shape.
func parseShape(b []byte, i int, r *rawRequest, t *rawTensor) (int, bool) {
	if isNull(b, i) {
		return i + 4, true
	}
	if i >= len(b) || b[i] != '[' {
		return i, false
	}
	start := len(r.shapes)
	ok := true
	for i = skipSpace(b, i+1); ok && i < len(b) && b[i] != ']'; i, ok = arrayNext(b, i) {
		var n int64
		if n, i, ok = plainInt(b, i); !ok {
			return i, false
		}
		r.shapes = append(r.shapes, n)
	}
	t.shape = r.shapes[start:len(r.shapes):len(r.shapes)]
	return i + 1, ok && i < len(b)
}

// plainInt reads an integer of at most 18 digits in JSON's grammar,
// followed by a delimiter.
func plainInt(b []byte, i int) (int64, int, bool) {
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	start := i
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	digits := i - start
	if digits == 0 || digits > 18 || (digits > 1 && b[start] == '0') {
		return 0, i, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, i, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}

func parseOutputs(b []byte, i int, r *rawRequest) (int, bool) {
	if isNull(b, i) {
		return i + 4, true
	}
	if i >= len(b) || b[i] != '[' {
		return i, false
	}
	ok := true
	for i = skipSpace(b, i+1); ok && i < len(b) && b[i] != ']'; i, ok = arrayNext(b, i) {
		if b[i] != '{' {
			return i, false
		}
		var name []byte
		seen := false
		for i, ok = objectStart(b, i); ok && i < len(b) && b[i] != '}'; i, ok = objectNext(b, i) {
			var key []byte
			if key, i, ok = objectKey(b, i); !ok {
				return i, false
			}
			switch slotOf(key, "name") {
			case -2:
				return i, false
			case 0:
				if seen {
					return i, false
				}
				seen = true
				name, i, ok = plainString(b, i)
			default:
				i, ok = skipValue(b, i, 0, false)
			}
			if !ok {
				return i, false
			}
		}
		if !ok || i >= len(b) {
			return i, false
		}
		r.outputs = append(r.outputs, name)
		i++
	}
	return i + 1, ok && i < len(b)
}

// skipParameters skips a parameters object (or null). Its numbers must
// fit a float64: encoding/json refuses the others in a map[string]any.
func skipParameters(b []byte, i int) (int, bool) {
	if isNull(b, i) {
		return i + 4, true
	}
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	return skipValue(b, i, 0, true)
}

// skipValue steps over the JSON value at b[i], checking its grammar as
// encoding/json does. floats asks that every number fit a float64.
func skipValue(b []byte, i, depth int, floats bool) (int, bool) {
	if i >= len(b) || depth > maxFastDepth {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{':
		ok := true
		for i = skipSpace(b, i+1); ok && i < len(b) && b[i] != '}'; i, ok = objectNext(b, i) {
			if i, ok = skipString(b, i); !ok {
				return i, false
			}
			if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
				return i, false
			}
			if i, ok = skipValue(b, skipSpace(b, i+1), depth+1, floats); !ok {
				return i, false
			}
		}
		return i + 1, ok && i < len(b)
	case c == '[':
		ok := true
		for i = skipSpace(b, i+1); ok && i < len(b) && b[i] != ']'; i, ok = arrayNext(b, i) {
			if i, ok = skipValue(b, i, depth+1, floats); !ok {
				return i, false
			}
		}
		return i + 1, ok && i < len(b)
	case c == 't':
		return i + 4, len(b)-i >= 4 && string(b[i:i+4]) == "true"
	case c == 'f':
		return i + 5, len(b)-i >= 5 && string(b[i:i+5]) == "false"
	case c == 'n':
		return i + 4, isNull(b, i)
	case c == '-' || c >= '0' && c <= '9':
		j, ok := skipNumber(b, i)
		if ok && floats {
			_, err := strconv.ParseFloat(string(b[i:j]), 64)
			ok = err == nil
		}
		return j, ok
	}
	return i, false
}

// skipString steps over the string at b[i], checking its escapes.
func skipString(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			i++
			if i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return i, false
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skipNumber steps over a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
