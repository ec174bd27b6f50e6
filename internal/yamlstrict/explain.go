package yamlstrict

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/internal/suggest"
	"go.yaml.in/yaml/v3"
)

var (
	unknownField    = regexp.MustCompile(`^field (\S+) not found in (?:type )?\S.*$`)
	cannotUnmarshal = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (.+)$")
)

// explain gives a problem its YAML path and says it in the YAML's terms:
// "unknown key (did you mean "time_column"?)" rather than "field
// time_colum not found in type pipeline.Data", "want a whole number, got
// "many"" rather than "cannot unmarshal !!str `many` into int". t is the
// type decoded into, whose yaml keys give the suggestions.
func explain(root *yaml.Node, t reflect.Type, p *Error) {
	if m := unknownField.FindStringSubmatch(p.Msg); m != nil {
		path := locate(root, p.Line, m[1], true)
		if path == nil {
			return
		}
		p.Path = strings.Join(path, ".")
		p.Msg = "unknown key" + suggest.Hint(m[1], keysAt(t, path[:len(path)-1]))
		return
	}
	if m := cannotUnmarshal.FindStringSubmatch(p.Msg); m != nil {
		if path := locate(root, p.Line, m[2], false); path != nil {
			p.Path = strings.Join(path, ".")
		}
		p.Msg = fmt.Sprintf("want %s, got %q", typeWord(m[3]), m[2])
	}
}

// locate returns the path of the key named text at line (isKey), or of
// the key whose scalar value is text at line; nil when there is none.
func locate(n *yaml.Node, line int, text string, isKey bool) []string {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return locate(n.Content[0], line, text, isKey)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if isKey && k.Line == line && k.Value == text {
				return []string{k.Value}
			}
			if !isKey && v.Kind == yaml.ScalarNode && v.Line == line && v.Value == text {
				return []string{k.Value}
			}
			if sub := locate(v, line, text, isKey); sub != nil {
				return append([]string{k.Value}, sub...)
			}
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			if !isKey && v.Kind == yaml.ScalarNode && v.Line == line && v.Value == text {
				return []string{strconv.Itoa(i)}
			}
			if sub := locate(v, line, text, isKey); sub != nil {
				return append([]string{strconv.Itoa(i)}, sub...)
			}
		}
	}
	return nil
}

// keysAt lists the yaml keys of the struct reached from t by path (keys
// of structs, indexes of lists), or nil when path leads elsewhere.
func keysAt(t reflect.Type, path []string) []string {
	for _, k := range path {
		t = deref(t)
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, ok := fieldByKey(t, k)
			if !ok {
				return nil
			}
			t = f
		default:
			return nil
		}
	}
	if t = deref(t); t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	eachKey(t, func(key string, _ reflect.Type) bool { keys = append(keys, key); return true })
	slices.Sort(keys)
	return keys
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func fieldByKey(t reflect.Type, key string) (reflect.Type, bool) {
	var found reflect.Type
	eachKey(t, func(k string, ft reflect.Type) bool {
		if k == key {
			found = ft
			return false
		}
		return true
	})
	return found, found != nil
}

// eachKey calls fn with every yaml key of struct t and its field's type,
// as yaml.v3 names them: the tag's name, else the lower-cased field name;
// inline fields contribute their own keys. It stops when fn returns false.
func eachKey(t reflect.Type, fn func(key string, ft reflect.Type) bool) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			if ft := deref(f.Type); ft.Kind() == reflect.Struct && !eachKey(ft, fn) {
				return false
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if !fn(name, f.Type) {
			return false
		}
	}
	return true
}

// typeWord says what a Go type named in a yaml error wants, in words.
func typeWord(goType string) string {
	switch {
	case goType == "time.Duration":
		return "a duration such as 90m"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "a mapping"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "text"
	case strings.Contains(goType, "."):
		return "a mapping" // a struct type of the config
	}
	return goType
}
