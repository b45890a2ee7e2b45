// Package state keeps a simulator's resources across restarts, crash-only.
//
// Each record is one JSON file, dir/<kind>/<escaped id>.json, written to a
// temporary file, fsynced, renamed over the old one and followed by an fsync
// of the directory, so a crash at any point leaves either the old record or
// the new one, never a torn file. There is no shutdown step to forget: a
// simulator killed with SIGKILL restarts from what it last acknowledged.
// With an empty directory the store keeps nothing (the in-memory default);
// the simulator's own maps are then the only copy.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Store persists records under a directory. The zero Store (and one made
// with an empty directory) persists nothing.
type Store struct {
	dir string
}

// Open returns a Store rooted at dir, creating it. An empty dir returns an
// in-memory Store whose writes do nothing and whose loads find nothing.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return &Store{}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open state %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Persistent reports whether the store writes to disk.
func (s *Store) Persistent() bool { return s != nil && s.dir != "" }

// Dir returns the directory for kind, creating it; simulators keep
// non-record files (workload scratch directories, blobs) there.
func (s *Store) Dir(kind string) (string, error) {
	if !s.Persistent() {
		return "", errors.New("state: in-memory store has no directory")
	}
	d := filepath.Join(s.dir, filepath.FromSlash(kind))
	return d, os.MkdirAll(d, 0o755)
}

// Put writes v as the record id of kind, atomically.
func (s *Store) Put(kind, id string, v any) error {
	if !s.Persistent() {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("state put %s/%s: %w", kind, id, err)
	}
	dir := filepath.Join(s.dir, filepath.FromSlash(kind))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state put %s/%s: %w", kind, id, err)
	}
	return WriteFile(filepath.Join(dir, escape(id)+".json"), b)
}

// Delete removes the record id of kind; a missing record is not an error.
func (s *Store) Delete(kind, id string) error {
	if !s.Persistent() {
		return nil
	}
	dir := filepath.Join(s.dir, filepath.FromSlash(kind))
	err := os.Remove(filepath.Join(dir, escape(id)+".json"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("state delete %s/%s: %w", kind, id, err)
	}
	return syncDir(dir)
}

// Load calls fn with the id and JSON of every record of kind. Leftover
// temporary files from a crash are removed.
func (s *Store) Load(kind string, fn func(id string, data []byte) error) error {
	if !s.Persistent() {
		return nil
	}
	dir := filepath.Join(s.dir, filepath.FromSlash(kind))
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("state load %s: %w", kind, err)
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".tmp-") {
			os.Remove(filepath.Join(dir, name))
			continue
		}
		base, ok := strings.CutSuffix(name, ".json")
		if !ok || e.IsDir() {
			continue
		}
		id, err := url.PathUnescape(base)
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("state load %s/%s: %w", kind, id, err)
		}
		if err := fn(id, b); err != nil {
			return fmt.Errorf("state load %s/%s: %w", kind, id, err)
		}
	}
	return nil
}

// escape turns an id (which may hold '/', ':' or '..') into one safe file
// name that [url.PathUnescape] reverses.
func escape(id string) string {
	e := url.PathEscape(id)
	e = strings.ReplaceAll(e, ".", "%2E")
	return e
}
