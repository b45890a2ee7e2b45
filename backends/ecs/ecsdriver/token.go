package ecsdriver

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

// tokenKey derives each container's agent token: HMAC-SHA256 of the
// container ID under a key kept in the data directory, so that a restarted
// backend knows the tokens of the tasks it finds again without storing them.
type tokenKey []byte

const keyFile = "agent-token.key"

// loadKey reads the key, creating it on first use.
func loadKey(dir string) (tokenKey, error) {
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

// token is container id's agent token.
func (k tokenKey) token(id string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}
