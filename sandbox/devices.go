package sandbox

import "crypto/rand"

// zeroReader reads zeros, as /dev/zero.
type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// randReader reads random bytes, as /dev/urandom.
type randReader struct{}

func (randReader) Read(b []byte) (int, error) { return rand.Read(b) }
