package sandbox

import (
	"testing"
	"time"
)

// TestMemoryPoolTrims checks that an idle pooled mapping is given back.
func TestMemoryPoolTrims(t *testing.T) {
	var pool memoryPool
	defer pool.close()
	m := pool.get(1 << 20)
	if m == nil {
		t.Fatal("mmap failed")
	}
	pool.put(m)
	idle := func() int {
		pool.mu.Lock()
		defer pool.mu.Unlock()
		return len(pool.idle)
	}
	if n := idle(); n != 1 {
		t.Fatalf("idle = %d after put, want 1", n)
	}
	deadline := time.Now().Add(3 * idleTrim)
	for idle() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("pooled mapping still idle after %s", 3*idleTrim)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
