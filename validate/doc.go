// Package validate is the root of refit's data checks, split into
// subpackages over the statistics core (package stats):
//
//   - [github.com/refit-ml/refit/validate/profile]: mergeable column
//     profiles of Arrow data, saved as JSON, sharded across processes;
//   - [github.com/refit-ml/refit/validate/drift]: drift between two
//     profiles, from their sketches alone;
//   - [github.com/refit-ml/refit/validate/expect]: expectations (a strict
//     YAML file of checks) evaluated from a profile and one row pass,
//     inferred from a profile or from a model's reference data;
//   - [github.com/refit-ml/refit/validate/coverage]: row counts and label
//     rates of data slices against a reference;
//   - [github.com/refit-ml/refit/validate/estimate]: performance estimates
//     of a model on unlabeled data.
//
// Every pass over a dataset (profiles, the row pass of expectations,
// coverage counts) runs one accumulator per part in parallel and merges
// them in part order with stats.Ordered, through the one driver in
// validate/internal/parts.
//
// This package holds what drift and coverage share: the [Verdict] of a
// finding and [ErrInvalidOptions].
package validate
