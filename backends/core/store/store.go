// Package store keeps a daemon's records on disk, crash-only: every write
// goes to a temporary file that is fsynced, renamed over the record and made
// durable by fsyncing the directory. A kill -9 at any moment leaves each
// record either at its old or at its new content, never torn.
//
// Records are JSON documents grouped by kind ("containers", "images"...),
// one file per record: dataDir/kind/id.json.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/errdefs"
)

// Store is a directory of JSON records.
type Store struct {
	dir string
}

// Open returns the store rooted at dir, creating it when needed, and removes
// temporary files that a crash left behind.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), ".tmp-") {
			return os.Remove(p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open store: clean temporary files: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's root directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path(kind, id string) (string, error) {
	if !validName(kind) || !validName(id) {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("store: invalid record name %q/%q", kind, id))
	}
	return filepath.Join(s.dir, kind, id+".json"), nil
}

func validName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00") && !strings.HasPrefix(s, ".tmp-")
}

// Put writes v as the record kind/id, atomically and durably.
func (s *Store) Put(kind, id string, v any) error {
	p, err := s.path(kind, id)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode %s/%s: %w", kind, id, err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return WriteFileAtomic(p, data, 0o600)
}

// Get decodes the record kind/id into v. A missing record is errdefs.ErrNotFound.
func (s *Store) Get(kind, id string, v any) error {
	p, err := s.path(kind, id)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: %s/%s: %w", kind, id, errdefs.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return json.Unmarshal(data, v)
}

// Delete removes the record kind/id durably. Deleting a missing record is not an error.
func (s *Store) Delete(kind, id string) error {
	p, err := s.path(kind, id)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: %w", err)
	}
	return syncDir(filepath.Dir(p))
}

// List calls fn with each record of kind. A record that does not decode (a
// disk error, a hand edit) is reported to fn as its raw bytes; the caller
// decides.
func (s *Store) List(kind string, fn func(id string, data []byte) error) error {
	if !validName(kind) {
		return errdefs.ErrInvalidArgument.WithMessage("store: invalid kind " + kind)
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, kind))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || strings.HasPrefix(id, ".tmp-") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.dir, kind, e.Name()))
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := fn(id, data); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileAtomic replaces path with data: temp file in the same directory,
// fsync, rename, fsync of the directory.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
