//go:build !mutation

package ingesttest

// MutantsPerFormat is the number of mutants RunMutation decodes per
// format; the mutation build tag raises it to 10,000.
const MutantsPerFormat = 300
