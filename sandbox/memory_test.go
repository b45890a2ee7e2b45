package sandbox

import "testing"

// TestMemoryReuse checks that a recycled memory reads as zeros beyond the
// module's image, whatever its last user wrote.
func TestMemoryReuse(t *testing.T) {
	var pool memoryPool
	defer pool.close()
	p := &Process{}
	image := []byte("image")
	const size = keepResident + 1<<20
	for round := range 3 {
		m := pool.newLinearMemory(p, image, 0, 64<<20)
		buf := m.Reallocate(size)
		if string(buf[:5]) != "image" {
			t.Fatalf("round %d: image not applied: %q", round, buf[:5])
		}
		for i := 5; i < size; i += 4096 {
			if buf[i] != 0 {
				t.Fatalf("round %d: byte %d is %d, want 0", round, i, buf[i])
			}
			buf[i] = 0xff
		}
		if got := p.mem.Load(); got != size {
			t.Errorf("accounted %d bytes, want %d", got, size)
		}
		m.Free()
		if got := p.mem.Load(); got != 0 {
			t.Errorf("after Free: %d bytes", got)
		}
	}
}
