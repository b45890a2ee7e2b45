package client

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// TokenKey derives each container's agent token: HMAC-SHA256 of the
// container ID under a key kept in the backend's data directory, so that a
// restarted backend knows the tokens of the workloads it finds again
// without storing them, and an agent that presents a valid token for an ID
// got it from the backend.
type TokenKey []byte

const keyFile = "agent-token.key"

// LoadTokenKey reads the key in dir, creating it on first use.
func LoadTokenKey(dir string) (TokenKey, error) {
	p := filepath.Join(dir, keyFile)
	b, err := os.ReadFile(p)
	if err == nil && len(b) == 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("agent token key: %w", err)
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("agent token key: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, fmt.Errorf("agent token key: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return nil, fmt.Errorf("agent token key: %w", err)
	}
	return b, nil
}

// Token is container id's agent token.
func (k TokenKey) Token(id string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}
