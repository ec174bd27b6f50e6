// Package textout renders validate's reports as the text tables the CLI
// prints: a profile, a ranked drift table (and the drift summary around
// it), a coverage table and a list of findings; and the warnings about
// inputs a model scored outside its training data. Tables are aligned with text/tabwriter; numbers are formatted
// with internal/numfmt. Writers return the first write error.
package textout
