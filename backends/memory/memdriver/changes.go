package memdriver

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"github.com/sockerless/sockerless/api/driver"
)

// deletedParent reports whether a parent of p was deleted too: Docker
// lists only the top of a deleted tree.
func deletedParent(before, now map[string]fileState, p string) bool {
	for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
		if _, ok := now[dir]; !ok {
			if _, was := before[dir]; was {
				return true
			}
		}
	}
	return false
}

// fileState is what Changes compares.
type fileState struct {
	Size  int64       `json:"size"`
	Mode  fs.FileMode `json:"mode"`
	Mtime time.Time   `json:"mtime"`
	Link  string      `json:"link,omitempty"`
}

// baseline returns the root's state at the container's first Create: read
// back from file when the daemon restarted (the root has changed since),
// else scanned now and saved to file (when file is not empty).
func baseline(root, file string) (map[string]fileState, error) {
	if file != "" {
		if b, err := os.ReadFile(file); err == nil {
			var m map[string]fileState
			if err := json.Unmarshal(b, &m); err == nil {
				return m, nil
			}
		}
	}
	m, err := snapshot(root)
	if err != nil || file == "" {
		return m, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return nil, err
	}
	return m, os.Rename(tmp, file)
}

// loadBaseline returns c's Changes baseline.
func (c *ctr) loadBaseline() (map[string]fileState, error) {
	if c.baselineFile == "" {
		return c.baseline, nil
	}
	b, err := os.ReadFile(c.baselineFile)
	if err != nil {
		return nil, fmt.Errorf("memory backend: baseline of %s: %w", c.id, err)
	}
	var m map[string]fileState
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("memory backend: baseline of %s: %w", c.id, err)
	}
	return m, nil
}

// snapshot records every file of root (container path → state), without
// following symlinks. Mounts are separate host directories: not included.
func snapshot(root string) (map[string]fileState, error) {
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // unreadable entries are skipped, as they cannot change through us
		}
		if p == root {
			return nil
		}
		fi, err := de.Info()
		if err != nil {
			return nil
		}
		st := fileState{Size: fi.Size(), Mode: fi.Mode(), Mtime: fi.ModTime().UTC()}
		if fi.Mode()&fs.ModeSymlink != 0 {
			st.Link, _ = os.Readlink(p)
		}
		if fi.IsDir() {
			st.Size = 0 // a directory's size is its host file system's business
		}
		rel, _ := filepath.Rel(root, p)
		out["/"+filepath.ToSlash(rel)] = st
		return nil
	})
	return out, err
}

// Changes compares the container's root with its state at Create: the
// image's files plus the sandbox skeleton.
func (d *Driver) Changes(ctx context.Context, id string) ([]driver.Change, error) {
	c, err := d.get(ctx, id)
	if err != nil {
		return nil, err
	}
	base, err := c.loadBaseline()
	if err != nil {
		return nil, err
	}
	now, err := snapshot(c.root)
	if err != nil {
		return nil, err
	}
	var out []driver.Change
	for p, st := range now {
		old, ok := base[p]
		switch {
		case !ok:
			out = append(out, driver.Change{Path: p, Kind: 1})
		case !old.Mtime.Equal(st.Mtime) || old.Size != st.Size || old.Mode != st.Mode || old.Link != st.Link:
			out = append(out, driver.Change{Path: p, Kind: 0})
		}
	}
	for p := range base {
		if _, ok := now[p]; !ok && !deletedParent(base, now, p) {
			out = append(out, driver.Change{Path: p, Kind: 2})
		}
	}
	// As with overlay's copy-up, the directories holding a change are
	// changed too.
	listed := map[string]bool{}
	for _, ch := range out {
		listed[ch.Path] = true
	}
	for _, ch := range slices.Clone(out) {
		for dir := path.Dir(ch.Path); dir != "/" && !listed[dir]; dir = path.Dir(dir) {
			listed[dir] = true
			out = append(out, driver.Change{Path: dir, Kind: 0})
		}
	}
	slices.SortFunc(out, func(a, b driver.Change) int {
		switch {
		case a.Path < b.Path:
			return -1
		case a.Path > b.Path:
			return 1
		}
		return 0
	})
	return out, nil
}
