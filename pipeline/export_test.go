package pipeline

// SetBeforeCommit makes runs with opts call fn after writing their record
// and before their commit, so a test can change the workspace in between.
func SetBeforeCommit(opts *Options, fn func()) { opts.beforeCommit = fn }
