// Package initconfig plans and writes what `refit init` starts a project
// with: a commented refit.yaml whose time column, label and features are
// picked from the data's schema and profile, beside the expectations
// inferred from the same profile.
//
// [NewPlan] decides; [Plan.YAML] renders; [Write] writes both files, each
// whole or not at all, and checks that the config loads.
package initconfig
