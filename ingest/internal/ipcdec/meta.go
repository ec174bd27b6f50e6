package ipcdec

import (
	"fmt"

	"github.com/refit-ml/refit/ingest/internal/base"
)

// arrow parses IPC metadata with flatbuffers' generated accessors, which
// do no bounds checks: a table, vtable, string or vector that points
// outside the buffer makes them panic. This file checks every table arrow
// reads (Footer, Schema, Field, the type tables, DictionaryEncoding,
// KeyValue, Message, RecordBatch, BodyCompression, DictionaryBatch) field
// by field, so that arrow only ever reads inside the buffer.

// fbSlot is what one field of a table holds.
type fbSlot uint8

const (
	fbAbsent   fbSlot = iota // not read
	fbI8                     // bool, byte, enum of a byte
	fbI16                    // short
	fbI32                    // int
	fbI64                    // long
	fbString                 // an offset to a string
	fbTableRef               // an offset to a table, checked by the caller
	fbKVs                    // an offset to a vector of KeyValue tables
	fbTables                 // an offset to a vector of tables, checked by the caller
	fbVec4                   // an offset to a vector of 4-byte elements
	fbVec8                   // an offset to a vector of 8-byte elements
	fbVec16                  // an offset to a vector of 16-byte structs
	fbVec24                  // an offset to a vector of 24-byte structs
)

var fbSlotSize = [...]int{fbI8: 1, fbI16: 2, fbI32: 4, fbI64: 8}

var fbVecElem = [...]int{fbTables: 4, fbVec4: 4, fbVec8: 8, fbVec16: 16, fbVec24: 24}

// checkTable checks field i of t holds what slots[i] says.
func checkTable(t fbTable, slots ...fbSlot) error {
	for i, s := range slots {
		var err error
		switch s {
		case fbAbsent:
		case fbI8, fbI16, fbI32, fbI64:
			_, _, err = t.field(i, fbSlotSize[s])
		case fbString:
			err = t.checkString(i)
		case fbTableRef:
			_, _, err = t.tableField(i)
		case fbKVs:
			err = t.checkKVs(i)
		default:
			_, err = t.vectorField(i, fbVecElem[s])
		}
		if err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
	}
	return nil
}

// checkString checks the string in field i lies inside the buffer.
func (t fbTable) checkString(i int) error {
	_, err := t.vectorField(i, 1)
	return err
}

// checkKVs checks the vector of KeyValue tables in field i.
func (t fbTable) checkKVs(i int) error {
	v, err := t.vectorField(i, 4)
	if err != nil {
		return err
	}
	for k := 0; k < v.n; k++ {
		kv, err := v.tableAt(k)
		if err != nil {
			return err
		}
		if err := checkTable(kv, fbString, fbString); err != nil {
			return fmt.Errorf("key-value %d: %w", k, err)
		}
	}
	return nil
}

// The tables, field by field, as arrow reads them.
var (
	fbFooterSlots      = []fbSlot{fbI16, fbTableRef, fbVec24, fbVec24, fbKVs}
	fbSchemaSlots      = []fbSlot{fbI16, fbTables, fbKVs, fbVec8}
	fbFieldSlots       = []fbSlot{fbString, fbI8, fbI8, fbTableRef, fbTableRef, fbTables, fbKVs}
	fbDictEncSlots     = []fbSlot{fbI64, fbTableRef, fbI8, fbI16}
	fbMessageSlots     = []fbSlot{fbI16, fbI8, fbTableRef, fbI64, fbKVs}
	fbRecordBatchSlots = []fbSlot{fbI64, fbVec16, fbVec16, fbTableRef, fbVec8}
	fbDictBatchSlots   = []fbSlot{fbI64, fbTableRef, fbI8}
	fbCompressionSlots = []fbSlot{fbI8, fbI8}
	// fbTypeSlots are the fields of the type table of each flatbuf.Type.
	fbTypeSlots = map[byte][]fbSlot{
		fbInt:             {fbI32, fbI8},
		fbFloatingPoint:   {fbI16},
		fbDecimal:         {fbI32, fbI32, fbI32},
		fbDate:            {fbI16},
		fbTime:            {fbI16, fbI32},
		fbTimestamp:       {fbI16, fbString},
		fbInterval:        {fbI16},
		fbDuration:        {fbI16},
		fbFixedSizeBinary: {fbI32},
		fbFixedSizeList:   {fbI32},
		fbMap:             {fbI8},
		fbUnion:           {fbI16, fbVec4},
	}
)

// checkFieldTables checks a Field table, its type table and its
// dictionary encoding; children are the caller's.
func checkFieldTables(f fbTable) error {
	if err := checkTable(f, fbFieldSlots...); err != nil {
		return err
	}
	kind, err := f.byteField(2, 0)
	if err != nil {
		return err
	}
	typ, ok, err := f.tableField(3)
	if err != nil {
		return err
	}
	if ok {
		if err := checkTable(typ, fbTypeSlots[kind]...); err != nil {
			return fmt.Errorf("type: %w", err)
		}
	}
	dict, ok, err := f.tableField(4)
	if err != nil || !ok {
		return err
	}
	if err := checkTable(dict, fbDictEncSlots...); err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	index, ok, err := dict.tableField(1)
	if err != nil || !ok {
		return err
	}
	return checkTable(index, fbTypeSlots[fbInt]...)
}

// checkMessageTables checks a Message table and its header.
func checkMessageTables(root fbTable, kind byte, header fbTable) error {
	if err := checkTable(root, fbMessageSlots...); err != nil {
		return err
	}
	rb := header
	switch kind {
	case msgSchema:
		return nil // checkSchema's
	case msgDictionary:
		if err := checkTable(header, fbDictBatchSlots...); err != nil {
			return err
		}
		var ok bool
		var err error
		if rb, ok, err = header.tableField(1); err != nil || !ok {
			return err
		}
	case msgRecordBatch:
	default:
		return base.Corruptf("message of type %d", kind)
	}
	if err := checkTable(rb, fbRecordBatchSlots...); err != nil {
		return err
	}
	comp, ok, err := rb.tableField(3)
	if err != nil || !ok {
		return err
	}
	return checkTable(comp, fbCompressionSlots...)
}
