//go:build mutation

package ingest

// mutantsPerFormat is the number of mutants TestMutation decodes per
// format: the full campaign (go test -tags mutation -run TestMutation).
const mutantsPerFormat = 10000
