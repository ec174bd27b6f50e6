package pipelines

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/sdf"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	beam.RegisterType(reflect.TypeOf((*ColumnPart)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*IndexedColumn)(nil)).Elem())
	beam.RegisterCoder(reflect.TypeOf((*foldAcc)(nil)).Elem(), encodeFoldAcc, decodeFoldAcc)
	beam.RegisterCoder(reflect.TypeOf((*joinAcc)(nil)).Elem(), encodeJoinAcc, decodeJoinAcc)
	register.DoFn4x1[context.Context, *sdf.LockRTracker, string, func(int, ColumnPart), error](&profilePartsFn{})
	register.Emitter2[int, ColumnPart]()
	register.Combiner3[foldAcc, ColumnPart, []byte](&foldFn{})
	register.Combiner3[joinAcc, IndexedColumn, []byte](&joinFn{})
	register.Function2x1(toIndexed)
	register.DoFn2x1[context.Context, []byte, error](&writeFileFn{})
	register.DoFn4x1[context.Context, *sdf.LockRTracker, string, func(string), error](&predictPartsFn{})
	register.Emitter1[string]()
	register.Combiner3[[]string, string, []string](&collectFn{})
	beam.RegisterType(reflect.TypeOf((*RowPart)(nil)).Elem())
	beam.RegisterCoder(reflect.TypeOf((*rowFold)(nil)).Elem(), encodeRowFold, decodeRowFold)
	register.DoFn4x1[context.Context, *sdf.LockRTracker, string, func(RowPart), error](&rowPartsFn{})
	register.Emitter1[RowPart]()
	register.Combiner3[rowFold, RowPart, []byte](&rowFoldFn{})
	register.DoFn1x1[[]string, error](&commitFn{})
}
