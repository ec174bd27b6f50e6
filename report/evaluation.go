package report

import (
	"fmt"
	"io"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/workspace"
)

// Evaluation is what `refit evaluate --report` shows: models evaluated on
// the same labelled rows, as a run report's evaluation section shows them.
type Evaluation struct {
	// Title heads the page. Defaults to "refit evaluate".
	Title string
	// GeneratedAt is left out when zero.
	GeneratedAt time.Time
	Sources     []string
	Label       string
	Rows        int
	// Models are the evaluated models, in the order given, each named by
	// its Model.
	Models []evaluate.Result
}

// evaluationView is what evaluation.html.tmpl sees.
type evaluationView struct {
	runView
	Eval *Evaluation
}

// WriteEvaluationHTML writes an evaluation as one self-contained HTML
// document: the metrics of every model, their baselines, confusion
// matrices, curves and slices.
func WriteEvaluationHTML(w io.Writer, e *Evaluation) error {
	title := e.Title
	if title == "" {
		title = "refit evaluate"
	}
	v := evaluationView{runView: runView{Record: &workspace.Record{}, Models: make([]modelResult, len(e.Models)), Title: title}, Eval: e}
	for i := range e.Models {
		v.Models[i].Result = &e.Models[i]
	}
	v.setEvaluation()
	if err := templates.ExecuteTemplate(w, "evaluation.html.tmpl", v); err != nil {
		return fmt.Errorf("report: render evaluation html: %w", err)
	}
	return nil
}

// WriteEvaluationFile writes an evaluation's HTML report to path,
// crash-safely.
func WriteEvaluationFile(path string, e *Evaluation) error {
	return WriteFile(path, func(w io.Writer) error { return WriteEvaluationHTML(w, e) })
}
