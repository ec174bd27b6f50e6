// Package coverage counts the rows of data slices and flags slices that
// became too small or whose share moved against a reference.
//
// [Measure] counts, in one parallel pass over a dataset, the rows of
// configured slices (boolean expressions) and of automatic ones taken from
// a profile: each value of a column with at most 20 distinct values, the
// numeric tails beyond the reference's p1 and p99, and rows with any null;
// with the label rate of each when a label is configured. A slice with
// fewer than MinRows rows, or whose share fell by more than MaxShareDrop or
// rose by more than MaxShareRise of its reference share (and by more than
// three binomial standard errors, so sampling noise is not news), is a
// finding.
//
// Invalid configurations wrap validate.ErrInvalidOptions.
package coverage
