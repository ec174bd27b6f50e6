package reference

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// ParseDocs reads the doc comments of the struct fields declared in the
// non-test Go files of the package in dir, keyed "pkg.Type.Field" with pkg
// the package's name, and the doc comments of the types, keyed
// "pkg.Type". A field without a comment of its own shares the comment of
// the field just before it when that comment names it ("Warn and Alert are
// the thresholds").
func ParseDocs(dir string) (Docs, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	fset := token.NewFileSet()
	docs := Docs{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok {
					typeDocs(docs, f.Name.Name, gd, ts)
				}
			}
		}
	}
	return docs, nil
}

// typeDocs adds the doc of a type (its own, or its declaration's) and of
// its fields.
func typeDocs(docs Docs, pkg string, gd *ast.GenDecl, ts *ast.TypeSpec) {
	doc := ts.Doc
	if doc == nil && len(gd.Specs) == 1 {
		doc = gd.Doc
	}
	if text := strings.TrimSpace(doc.Text()); text != "" {
		docs[pkg+"."+ts.Name.Name] = text
	}
	if st, ok := ts.Type.(*ast.StructType); ok {
		structDocs(docs, pkg+"."+ts.Name.Name, st)
	}
}

// structDocs adds the docs of st's fields under prefix, and of the fields
// of anonymous struct types under prefix.Field.
func structDocs(docs Docs, prefix string, st *ast.StructType) {
	prev := ""
	for _, f := range st.Fields.List {
		text := strings.TrimSpace(f.Doc.Text())
		for _, id := range f.Names {
			doc := text
			if doc == "" && mentions(prev, id.Name) {
				doc = prev
			}
			if doc != "" {
				docs[prefix+"."+id.Name] = doc
			}
			if inner, ok := f.Type.(*ast.StructType); ok {
				structDocs(docs, prefix+"."+id.Name, inner)
			}
		}
		if text != "" {
			prev = text
		} else if len(f.Names) > 0 && !mentions(prev, f.Names[0].Name) {
			prev = ""
		}
	}
}

// mentions reports whether doc names a field as a word.
func mentions(doc, name string) bool {
	for _, w := range strings.FieldsFunc(doc, func(r rune) bool { return r == ' ' || r == '\n' || r == ',' || r == '(' || r == ')' }) {
		if w == name {
			return true
		}
	}
	return false
}
