package sandbox

import (
	"sync"
	"syscall"
	"time"
)

// pageSize is the granularity of the host mappings.
const pageSize = 64 << 10

// maxPooled is the number of idle memories a [memoryPool] keeps.
const maxPooled = 8

// keepResident is how much of an idle memory stays mapped in: the rest is
// returned to the kernel (and reads back as zeros).
const keepResident = 8 << 20

// idleTrim is how long a pooled memory may stay unused before it is
// unmapped: long enough to serve a burst of short commands (a CI script,
// a benchmark), short enough that an idle backend holds none.
const idleTrim = 2 * time.Second

// memoryPool recycles the mappings of ended instances. A fresh mapping
// costs a page fault per page touched, which dominates an applet's start
// on virtual machines; a recycled one costs clearing the bytes its last
// user touched. Mappings unused for [idleTrim] are given back.
type memoryPool struct {
	mu    sync.Mutex
	idle  []*mapping
	timer *time.Timer // runs trim while idle is not empty
}

// mapping is a reserved address range with its first rw bytes mapped
// read-write and its first dirty bytes possibly non-zero.
type mapping struct {
	buf       []byte // len == cap == reserved size
	rw, dirty uint64
	since     time.Time // when it went idle
}

func (pool *memoryPool) get(maxBytes uint64) *mapping {
	pool.mu.Lock()
	for i, m := range pool.idle {
		if uint64(len(m.buf)) == maxBytes {
			pool.idle = append(pool.idle[:i], pool.idle[i+1:]...)
			pool.mu.Unlock()
			return m
		}
	}
	pool.mu.Unlock()
	buf, err := syscall.Mmap(-1, 0, int(maxBytes), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return nil
	}
	return &mapping{buf: buf}
}

func (pool *memoryPool) put(m *mapping) {
	if m.dirty > keepResident {
		if err := syscall.Madvise(m.buf[keepResident:m.dirty], syscall.MADV_DONTNEED); err != nil {
			syscall.Munmap(m.buf)
			return
		}
		m.dirty = keepResident
	}
	clear(m.buf[:m.dirty])
	m.dirty = 0
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if len(pool.idle) < maxPooled {
		m.since = time.Now()
		pool.idle = append(pool.idle, m)
		if pool.timer == nil {
			pool.timer = time.AfterFunc(idleTrim, pool.trim)
		}
		return
	}
	syscall.Munmap(m.buf)
}

// trim unmaps the memories idle for [idleTrim] and comes back while
// some are left.
func (pool *memoryPool) trim() {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.timer == nil { // closed
		return
	}
	kept := pool.idle[:0]
	for _, m := range pool.idle {
		if time.Since(m.since) < idleTrim {
			kept = append(kept, m)
			continue
		}
		syscall.Munmap(m.buf)
	}
	clear(pool.idle[len(kept):])
	pool.idle = kept
	if len(kept) == 0 {
		pool.timer = nil
		return
	}
	pool.timer.Reset(idleTrim)
}

// close unmaps the idle memories.
func (pool *memoryPool) close() {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for _, m := range pool.idle {
		syscall.Munmap(m.buf)
	}
	pool.idle = nil
	if pool.timer != nil {
		pool.timer.Stop()
		pool.timer = nil
	}
}

// newLinearMemory returns a wasm memory in a reserved mapping: growing
// never copies, and the mapping is recycled when the instance ends.
func (pool *memoryPool) newLinearMemory(p *Process, image []byte, capacity, maxBytes uint64) linearMemoryIface {
	m := pool.get(maxBytes)
	if m == nil || maxBytes == 0 {
		return &sliceMemory{linearMemory{used: &p.mem, buf: make([]byte, 0, capacity), max: maxBytes, image: image}}
	}
	return &mmapMemory{linearMemory: linearMemory{used: &p.mem, buf: m.buf[:0], max: maxBytes, image: image}, m: m, pool: pool}
}

// mmapMemory is a linearMemory in a pooled mapping.
type mmapMemory struct {
	linearMemory
	m    *mapping
	pool *memoryPool
}

// Reallocate implements [experimental.LinearMemory].
func (m *mmapMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if size > m.m.rw {
		to := min((size+pageSize-1)/pageSize*pageSize, m.max)
		if err := syscall.Mprotect(m.m.buf[m.m.rw:to], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		m.m.rw = to
	}
	m.m.dirty = max(m.m.dirty, size)
	m.buf = m.m.buf[:size]
	if m.size == 0 && m.image != nil {
		copy(m.buf, m.image)
		m.image = nil
	}
	m.account(size)
	return m.buf
}

// Free implements [experimental.LinearMemory].
func (m *mmapMemory) Free() {
	m.account(0)
	m.buf = nil
	m.pool.put(m.m)
}
