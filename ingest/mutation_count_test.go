//go:build !mutation

package ingest

// mutantsPerFormat is the number of mutants TestMutation decodes per
// format; the mutation build tag raises it to 10,000.
const mutantsPerFormat = 300
