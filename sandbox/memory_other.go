//go:build !linux

package sandbox

// memoryPool is empty where memories are Go slices.
type memoryPool struct{}

func (*memoryPool) close() {}

// newLinearMemory returns a memory backed by a growing Go slice.
func (*memoryPool) newLinearMemory(p *Process, image []byte, capacity, maxBytes uint64) linearMemoryIface {
	return &sliceMemory{linearMemory{used: &p.mem, buf: make([]byte, 0, capacity), max: maxBytes, image: image}}
}
