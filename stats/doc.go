// Package stats is refit's statistics core: mergeable accumulators that
// profiles (package validate) and preprocessing fits (package model) share,
// and one driver that runs them over the parts of a dataset.
//
// # Accumulators
//
//   - [Moments]: count, extremes, sum, mean and variance of finite values
//     (two-pass per chunk, merged with Chan, Golub and LeVeque's parallel
//     formulas), with NaN, ±Inf, zeros and negatives counted apart.
//   - [Quantiles]: a KLL sketch (Karnin, Lang, Liberty 2016) with rank
//     error about 0.3 % at the default K of 1024, exact below 4·K values;
//     queries read its [SortedView] (quantiles, ranks, bin counts,
//     histograms), which carries the sketch's RankError bound.
//     Hand-written because no maintained Go KLL exists; t-digest has no
//     rank guarantee under heavy ties and DDSketch bounds
//     relative value error, not rank error. Coins come from the sketch
//     state and the data, so runs are deterministic.
//   - [TopK]: exact value counts by 64-bit key while there are at most
//     Limit distinct keys (4·Capacity unless set; profiles use
//     [DefaultExactLimit] for strings and [DefaultNumericExactLimit] for
//     numbers), then a Misra-Gries summary of Capacity counters (counts
//     become lower bounds) or nothing, as its owner chooses. Exact counts
//     give an exact [SortedView] ([TopK.SortedView], [CountsView]), sorted
//     in linear time for the orders counts come in; two summaries are
//     compared through [Join], which pairs their counters by key through
//     their own indexes, and two views through [CDFDistances].
//   - [Distinct]: a HyperLogLog distinct count (2^16 registers, standard
//     error 0.41 %) that takes over when a TopK stops being exact.
//
// Each has Add and Merge methods; Merge is commutative up to
// floating-point rounding (exactly, for Moments and Quantiles). Their
// state is exported and plain and encodes with encoding/json, which is how
// saved profiles store them; the JSON of every accumulator is part of the
// saved-profile format and does not change.
//
// # One contract, one driver
//
// [Combiner] is the contract every accumulator fits (CreateAccumulator,
// AddInput, MergeAccumulators, ExtractOutput), the shape of an Apache Beam
// CombineFn; [MomentsFn] and [QuantilesFn] adapt the single accumulators,
// and validate's profile, row checks and coverage counters are Combiners
// over Arrow records. [Ordered] runs a Combiner over the parts of a
// dataset in parallel and merges the parts in part order as they finish,
// so results do not depend on scheduling.
//
// # Ownership, errors, concurrency
//
// Accumulators copy what they keep; inputs are only read during a call.
// No accumulator is safe for concurrent use: use one per goroutine and
// merge. Library code does not panic on bad input; decoded state is
// checked ([Quantiles.Check]) before use. The package has no global
// mutable state.
package stats
