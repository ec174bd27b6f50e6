module refit-peers/onnx/gen

go 1.26
