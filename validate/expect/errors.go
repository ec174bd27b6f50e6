package expect

import "errors"

// ErrInvalidExpectations: an expectations file cannot be read, is invalid,
// or does not fit the data's schema (a regex on a number column).
var ErrInvalidExpectations = errors.New("invalid expectations")
