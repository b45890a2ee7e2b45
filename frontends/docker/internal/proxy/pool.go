package proxy

import "sync"

// copyBuffer is the size of the buffers the reverse proxy copies answer
// bodies with. [httputil.ReverseProxy] flushes after every write of a
// body of unknown length (every chunked one: logs, export, archive,
// save), and each flush costs net/http a few writes of its own, so a
// bigger buffer means fewer, larger chunks when the backend is fast. A
// read returns what has arrived, so a slow stream (logs -f) is not held
// back waiting for the buffer to fill.
const copyBuffer = 256 << 10

// bufferPool is an [httputil.BufferPool] of copyBuffer-sized buffers.
type bufferPool struct{ p sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{p: sync.Pool{New: func() any { return new([copyBuffer]byte) }}}
}

// Get returns a buffer of copyBuffer bytes.
func (b *bufferPool) Get() []byte { return b.p.Get().(*[copyBuffer]byte)[:] }

// Put returns buf, which Get returned, to the pool.
func (b *bufferPool) Put(buf []byte) {
	if len(buf) == copyBuffer {
		b.p.Put((*[copyBuffer]byte)(buf))
	}
}
