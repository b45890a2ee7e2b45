// Package reqid makes request IDs and carries them in a context.
//
// AWS, GCP and Azure all answer with a UUID-shaped request ID
// (x-amzn-RequestId, x-goog-request-id, x-ms-request-id), so one generator
// serves the three simulators.
package reqid

import (
	"context"
	"crypto/rand"
	"fmt"
)

type ctxKey struct{}

// New returns a random (version 4) UUID such as
// "c0f6a0f2-6b1e-4a43-9d58-3e1f6c2b9a10".
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// With returns a copy of ctx that carries id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the request ID in ctx, or a new one if ctx carries none, so
// that every error envelope can name a request.
func From(ctx context.Context) string {
	if id, ok := ctx.Value(ctxKey{}).(string); ok {
		return id
	}
	return New()
}
