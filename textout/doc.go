// Package textout renders validate's reports as the text tables the CLI
// prints: a profile, a ranked drift table, a coverage table and a list of
// findings. Tables are aligned with text/tabwriter; numbers are formatted
// with internal/numfmt. Writers return the first write error.
package textout
