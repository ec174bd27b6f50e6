//go:build mutation

package ingesttest

// MutantsPerFormat is the number of mutants RunMutation decodes per
// format: the full campaign (go test -tags mutation -run TestMutation ./ingest/...).
const MutantsPerFormat = 10000
