package expect

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// MarshalYAML writes a number as a number and a time in RFC 3339.
func (b Bound) MarshalYAML() (any, error) {
	if b.IsTime {
		return b.String(), nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: b.String()}, nil
}

// Encode writes the expectations as YAML, columns in ColumnOrder, each check
// on one line, with the comments Infer attached. The output decodes back
// with Decode to equal expectations.
func (e *Expectations) Encode() ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v any, flow bool) error {
		if v == nil {
			return nil
		}
		n, err := encodeNode(v, flow)
		if err != nil {
			return fmt.Errorf("validate: encode expectations %s: %w", key, err)
		}
		doc.Content = append(doc.Content, e.keyNode(key, key), n)
		return nil
	}
	steps := []struct {
		key  string
		v    any
		flow bool
	}{{"version", e.Version, false}, {"severity", nonEmpty(e.Severity), false},
		{"rows", nilIf(e.Rows == nil, e.Rows), true}, {"schema", nilIf(e.Schema == nil, e.Schema), true},
		{"duplicate_rows", nilIf(e.DuplicateRows == nil, e.DuplicateRows), true}}
	for _, s := range steps {
		if err := add(s.key, s.v, s.flow); err != nil {
			return nil, err
		}
	}
	cols, err := e.columnsNode()
	if err != nil {
		return nil, err
	}
	if cols != nil {
		doc.Content = append(doc.Content, e.keyNode("columns", "columns"), cols)
	}
	if err := e.addRules(doc); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}, HeadComment: e.note("")}); err != nil {
		return nil, fmt.Errorf("validate: encode expectations: %w", err)
	}
	return buf.Bytes(), enc.Close()
}

func (e *Expectations) addRules(doc *yaml.Node) error {
	if len(e.Rules) == 0 {
		if c := e.note("rules"); c != "" {
			doc.FootComment = c
		}
		return nil
	}
	n, err := encodeNode(e.Rules, false)
	if err != nil {
		return fmt.Errorf("validate: encode rules: %w", err)
	}
	for _, item := range n.Content {
		item.Style = yaml.FlowStyle
	}
	doc.Content = append(doc.Content, e.keyNode("rules", "rules"), n)
	return nil
}

func (e *Expectations) columnsNode() (*yaml.Node, error) {
	if len(e.Columns) == 0 {
		return nil, nil
	}
	out := &yaml.Node{Kind: yaml.MappingNode}
	for _, name := range e.columnNames() {
		c := e.Columns[name]
		path := "columns." + name
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, kv := range c.fields() {
			v, err := encodeNode(kv.v, kv.flow)
			if err != nil {
				return nil, fmt.Errorf("validate: encode column %q %s: %w", name, kv.key, err)
			}
			n.Content = append(n.Content, e.keyNode(path+"."+kv.key, kv.key), v)
		}
		out.Content = append(out.Content, e.keyNode(path, name), n)
	}
	return out, nil
}

type keyValue struct {
	key  string
	v    any
	flow bool
}

// fields lists the set checks of a column in a fixed order.
func (c *ColumnExpectation) fields() []keyValue {
	var out []keyValue
	add := func(key string, set bool, v any) {
		if set {
			out = append(out, keyValue{key, v, true})
		}
	}
	add("type", c.Type != "", c.Type)
	add("severity", c.Severity != "", c.Severity)
	add("nulls", c.Nulls != nil, c.Nulls)
	add("range", c.Range != nil, c.Range)
	add("negatives", c.Negatives != nil, c.Negatives)
	add("values", c.Values != nil, c.Values)
	add("pattern", c.Pattern != nil, c.Pattern)
	add("unique", c.Unique != nil, c.Unique)
	add("freshness", c.Freshness != nil, c.Freshness)
	return out
}

func encodeNode(v any, flow bool) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	if flow {
		setFlow(&n)
	}
	return &n, nil
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		setFlow(c)
	}
}

func (e *Expectations) keyNode(path, key string) *yaml.Node {
	n := &yaml.Node{}
	if err := n.Encode(key); err != nil || n.Kind != yaml.ScalarNode {
		n = &yaml.Node{Kind: yaml.ScalarNode, Value: key, Style: yaml.DoubleQuotedStyle}
	}
	n.HeadComment = e.note(path)
	return n
}

func (e *Expectations) note(path string) string {
	if e.notes == nil {
		return ""
	}
	return e.notes[path]
}

func nonEmpty(s Severity) any {
	if s == "" {
		return nil
	}
	return s
}

func nilIf(cond bool, v any) any {
	if cond {
		return nil
	}
	return v
}
