package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
)

//go:embed *.tmpl report.css
var files embed.FS

// templates holds the pages (report.html.tmpl, run.html.tmpl) and the
// parts they share (sections.html.tmpl); every page inlines report.css.
var templates = template.Must(template.New("report").Funcs(template.FuncMap{
	"count":    numfmt.Count,
	"bytes":    numfmt.Bytes,
	"examples": examplesText,
	"subject":  subject,
	"percent":  share,
	"join":     strings.Join,
	"short":    short,
	"css":      func() template.CSS { return template.CSS(stylesheet()) },
	"sub":      func(a, b float64) float64 { return a - b },
	"plural":   plural,
	"metric":   metricText,
	"checks":   checksText,
	"counti":   func(n int) string { return numfmt.Count(int64(n)) },
	"add":      func(a, b float64) float64 { return a + b },
	"div":      func(a, b float64) float64 { return a / b },
}).ParseFS(files, "*.tmpl"))

func stylesheet() string {
	b, _ := files.ReadFile("report.css") // embedded: cannot fail
	return string(b)
}

// htmlSection is a rendered optional section.
type htmlSection struct {
	Title string
	Body  template.HTML
}

// htmlView is what the template sees.
type htmlView struct {
	*Audit
	VerdictText string
	Errors      int
	Warnings    int
	Cards       []card
	Extra       []htmlSection
	CheckRows   []checkRow
	ChartW      float64
	ChartH      float64
}

// WriteHTML writes the report as one self-contained HTML document.
func WriteHTML(w io.Writer, a *Audit) error {
	v := htmlView{Audit: a, VerdictText: a.verdictText(), Cards: cards(a), CheckRows: checkRows(a.Findings, a.Passed), ChartW: chartW, ChartH: chartH}
	v.Errors, v.Warnings = a.counts()
	for _, s := range a.Sections {
		body, err := s.HTML()
		if err != nil {
			return fmt.Errorf("report: section %q: %w", s.Title(), err)
		}
		v.Extra = append(v.Extra, htmlSection{s.Title(), body})
	}
	if err := templates.ExecuteTemplate(w, "report.html.tmpl", v); err != nil {
		return fmt.Errorf("report: render html: %w", err)
	}
	return nil
}

// Stylesheet is the CSS every report inlines, for pages that lay out
// parts of reports beside their own (the dashboard).
func Stylesheet() template.CSS { return template.CSS(stylesheet()) }
