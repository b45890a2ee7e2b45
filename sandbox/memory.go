package sandbox

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// linearMemoryIface is the [experimental.LinearMemory] the sandbox hands
// to wazero.
type linearMemoryIface = experimental.LinearMemory

// linearMemory is a wasm memory that reports its size to its process, for
// docker stats.
type linearMemory struct {
	used *atomic.Uint64 // the process's total
	buf  []byte
	max  uint64
	size uint64
	// image is copied in when the memory is first sized.
	image []byte
}

// account records that the memory now has size bytes.
func (m *linearMemory) account(size uint64) {
	m.used.Add(size - m.size)
	m.size = size
}

// sliceMemory is a linearMemory in a Go slice, as wazero's default.
type sliceMemory struct{ linearMemory }

// Reallocate implements [experimental.LinearMemory].
func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if size > uint64(cap(m.buf)) {
		nb := make([]byte, size, min(max(size, 2*uint64(cap(m.buf))), m.max))
		copy(nb, m.buf)
		m.buf = nb
	}
	m.buf = m.buf[:size]
	if m.size == 0 && m.image != nil {
		copy(m.buf, m.image)
		m.image = nil
	}
	m.account(size)
	return m.buf
}

// Free implements [experimental.LinearMemory].
func (m *linearMemory) Free() {
	m.account(0)
	m.buf = nil
}
