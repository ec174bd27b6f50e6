module github.com/refit-ml/refit/beam

go 1.26.8

replace github.com/refit-ml/refit => ../

require github.com/apache/beam/sdks/v2 v2.77.0 // indirect
