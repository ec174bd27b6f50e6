// Package inspect describes a refit model file: its task, label and
// classes, each input column with its encoding and what training learned
// of it, each layer with its shape, activation, sparsity and storage, the
// lineage, and the model card beside a registered version's file.
//
// [Model] returns a plain [ModelInfo] (JSON-tagged, for --format json);
// [ModelInfo.WriteText] renders it as `refit inspect` prints it.
package inspect
