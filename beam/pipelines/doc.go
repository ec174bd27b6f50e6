// Package pipelines runs refit's profile, audit, drift and batch scoring as
// Apache Beam pipelines, so the same code that runs in one process runs on
// a cluster (Flink, Spark, Dataflow through Beam's portable runners) or
// in-process on prism.
//
// # Reading
//
// The source is a splittable DoFn over the parts of a dataset that
// refit's ingest opens: row groups of Parquet files, record batches of
// Arrow IPC files (a whole IPC stream is one part). Its element is a
// [Spec] (the data's paths); its restriction is the range of part indices,
// split so one element of work is one part, and each part is decoded with
// ingest.Dataset.ReadPart, with ingest's limits and hostile-file checks.
// Beam Go's parquetio, which decodes whole files in memory, is not used.
// Paths must be readable by every worker (local, NFS or a mounted bucket):
// ingest reads files by path. Outputs with a scheme (gs://, s3://) are
// written through Beam's filesystem abstraction.
//
// # Determinism
//
// Each part's profile is split by column; a CombineFn per column folds the
// parts' partial profiles in part order (a part that arrives early waits,
// undecoded state only, until the parts before it are folded), which is the
// order refit profile merges them in. Sketch merges are commutative but not
// associative, so keeping that order is what makes the output the same
// bytes as refit profile -o, not just the same values within the
// sketches' error.
//
// # Workers
//
// Every DoFn here is registered in init, so the binary can serve as its own
// worker: main must call flag.Parse and beam.Init before building a
// pipeline. A dataset is opened (footers only) once per worker process and
// cached by its Spec.
package pipelines
