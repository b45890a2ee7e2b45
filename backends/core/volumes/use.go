package volumes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/volume"
)

// AcquireOptions ask for a volume for a container.
type AcquireOptions struct {
	// Name is the volume's name; empty creates an anonymous volume.
	Name string
	// Driver, Labels and DriverOpts are used when the volume is created.
	Driver     string
	Labels     map[string]string
	DriverOpts map[string]string
}

// Acquire returns the volume a container mounts, creating it when missing
// (dockerd creates named volumes on first use), and counts containerID
// among its users. Source is the host directory to mount.
func (m *Manager) Acquire(ctx context.Context, containerID string, opts AcquireOptions) (v volume.Volume, src string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	req := volume.CreateRequest{Name: opts.Name, Driver: opts.Driver, Labels: opts.Labels, DriverOpts: opts.DriverOpts}
	if opts.Name == "" {
		req.Labels = map[string]string{AnonymousLabel: ""}
		for k, v := range opts.Labels {
			req.Labels[k] = v
		}
	}
	v, _, err = m.createLocked(ctx, req)
	if err != nil {
		return volume.Volume{}, "", err
	}
	rec := m.vols[v.Name]
	if err := m.mountable(rec); err != nil {
		return volume.Volume{}, "", err
	}
	m.ref(v.Name, containerID)
	return v, source(rec), nil
}

// Restore counts containerID among the users of volume name again, for a
// container loaded from disk.
func (m *Manager) Restore(name, containerID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.vols[name]; ok {
		m.ref(name, containerID)
	}
}

func (m *Manager) ref(name, containerID string) {
	if m.refs[name] == nil {
		m.refs[name] = map[string]struct{}{}
	}
	m.refs[name][containerID] = struct{}{}
}

// Release forgets containerID as a user of every volume. With
// removeAnonymous, the anonymous volumes it used that nobody else uses
// are removed, as `docker rm -v` and `--rm` do; named volumes are kept.
func (m *Manager) Release(ctx context.Context, containerID string, removeAnonymous bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for name, users := range m.refs {
		if _, ok := users[containerID]; !ok {
			continue
		}
		delete(users, containerID)
		if len(users) == 0 {
			delete(m.refs, name)
		}
		v := m.vols[name]
		if !removeAnonymous || v == nil || len(users) > 0 {
			continue
		}
		if _, anon := v.Labels[AnonymousLabel]; anon {
			if err := m.removeLocked(ctx, name); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Users counts the containers using volume name.
func (m *Manager) Users(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.refs[name])
}

// Populate copies what the image has at dir (a host directory of the
// container's root) into volume name when the volume is still empty, as
// dockerd does on the first mount of a volume. Symlinks are copied as
// links; anything that is not a file, a directory or a link is skipped.
func (m *Manager) Populate(name, dir string) error {
	m.mu.Lock()
	v, ok := m.vols[name]
	m.mu.Unlock()
	if !ok || v.Options["type"] != "" {
		return nil
	}
	dst := v.Mountpoint
	entries, err := os.ReadDir(dst)
	if err != nil || len(entries) > 0 {
		return nil
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return nil
	}
	_ = os.Chmod(dst, fi.Mode().Perm())
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Mkdir(target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(p, target, info.Mode().Perm())
		}
		return nil
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		return fmt.Errorf("populate volume: %w", err)
	}
	return nil
}
