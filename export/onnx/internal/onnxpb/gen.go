// Package onnxpb is the ONNX protobuf schema (onnx/onnx.proto3 of ONNX
// 1.23.0, Apache License 2.0, unchanged) compiled to Go with protoc and
// protoc-gen-go. Regenerate with `go generate` in this folder (needs
// protoc, from Debian's protobuf-compiler, and protoc-gen-go v1.36.12:
// `go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12`).
package onnxpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto3=github.com/refit-ml/refit/export/onnx/internal/onnxpb onnx.proto3
