package serve

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// sliceMessages reads the messages of an Arrow IPC stream held in memory,
// without copying. Unlike ipc.NewMessageReader it checks every length
// against the bytes left before using it, so a hostile stream cannot make
// it allocate: a message or body longer than the rest is an error.
type sliceMessages struct {
	b   []byte
	msg *ipc.Message
}

// contToken marks a message length in the IPC stream format (0.15+).
const contToken = 0xFFFFFFFF

func (r *sliceMessages) Message() (*ipc.Message, error) {
	if r.msg != nil {
		r.msg.Release()
		r.msg = nil
	}
	metaLen, err := r.metaLen()
	if err != nil {
		return nil, err
	}
	if metaLen < 0 || metaLen > len(r.b) {
		return nil, fmt.Errorf("message of %d bytes, but %d bytes are left", metaLen, len(r.b))
	}
	if err := verifyMeta(r.b[:metaLen]); err != nil {
		return nil, err
	}
	meta := memory.NewBufferBytes(r.b[:metaLen])
	head := ipc.NewMessage(meta, memory.NewBufferBytes(nil))
	bodyLen := head.BodyLen()
	head.Release()
	rest := r.b[metaLen:]
	if bodyLen < 0 || bodyLen > int64(len(rest)) {
		return nil, fmt.Errorf("message body of %d bytes, but %d bytes are left", bodyLen, len(rest))
	}
	r.msg = ipc.NewMessage(meta, memory.NewBufferBytes(rest[:bodyLen]))
	r.b = rest[bodyLen:]
	return r.msg, nil
}

// metaLen consumes a message's length prefix; io.EOF at the end of the
// stream (no bytes left, or an end-of-stream marker).
func (r *sliceMessages) metaLen() (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(r.b) < 4 {
		return 0, fmt.Errorf("%d stray bytes at the end", len(r.b))
	}
	n := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	if n == contToken {
		if len(r.b) < 4 {
			return 0, fmt.Errorf("message length cut short")
		}
		n = binary.LittleEndian.Uint32(r.b)
		r.b = r.b[4:]
	}
	if n == 0 {
		return 0, io.EOF
	}
	return int(int32(n)), nil
}

// Retain and Release satisfy ipc.MessageReader; the bytes belong to the
// request.
func (r *sliceMessages) Retain() {}

func (r *sliceMessages) Release() {
	if r.msg != nil {
		r.msg.Release()
		r.msg = nil
	}
}
