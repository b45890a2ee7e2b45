package efs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// MountError is a file system or access point that cannot be mounted,
// in the words of amazon-efs-utils and mount.nfs4 (which ECS quotes in a
// task's stoppedReason).
type MountError struct{ Msg string }

func (e *MountError) Error() string { return e.Msg }

func mountErr(format string, args ...any) error {
	return &MountError{Msg: fmt.Sprintf(format, args...)}
}

// FileSystemDir returns the directory on the simulator's host that holds
// the data of file system id in region (<data dir>/<id>), creating it on
// first use. An unknown file system is an error in the words of
// amazon-efs-utils, which ECS quotes when a task cannot mount it.
func (s *Service) FileSystemDir(region, id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fss[region+"/"+id] == nil {
		return "", mountErr("Failed to resolve \"%s.efs.%s.amazonaws.com\" - check that your file system ID is correct", id, region)
	}
	return s.fsDir(id)
}

// fsDir makes the data directory of file system id; s.mu is held.
func (s *Service) fsDir(id string) (string, error) {
	if s.dir == "" {
		return "", errors.New("the EFS simulator has no data directory")
	}
	dir := filepath.Join(s.dir, id)
	return dir, os.MkdirAll(dir, 0o755)
}

// AccessPointDir returns the directory on the simulator's host that an
// access point apID of file system fsID exposes: its RootDirectory.Path
// inside the file system's data. As EFS does on the first mount, a root
// directory that does not exist is created with the access point's
// CreationInfo (owner UID/GID and permissions; parents with 0755);
// without CreationInfo the mount fails. An unknown access point, or one
// of another file system, fails as amazon-efs-utils does.
//
// # Notes
//
// The access point's PosixUser is not enforced: a bind mount cannot
// rewrite the identity of each file operation as EFS's NFS server does.
func (s *Service) AccessPointDir(region, fsID, apID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fss[region+"/"+fsID] == nil {
		return "", mountErr("Failed to resolve \"%s.efs.%s.amazonaws.com\" - check that your file system ID is correct", fsID, region)
	}
	a := s.aps[region+"/"+apID]
	if a == nil {
		return "", mountErr("access point %s does not exist", apID)
	}
	if a.FileSystemID != fsID {
		return "", mountErr("access point %s belongs to file system %s, not %s", apID, a.FileSystemID, fsID)
	}
	root, err := s.fsDir(fsID)
	if err != nil {
		return "", err
	}
	path := "/"
	if a.Root != nil && a.Root.Path != "" {
		path = a.Root.Path
	}
	dir := filepath.Join(root, filepath.Clean("/"+path))
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return dir, err
	}
	if a.Root == nil || a.Root.CreationInfo == nil {
		return "", mountErr("mount.nfs4: access denied by server: the root directory %s of access point %s does not exist and the access point has no CreationInfo", path, apID)
	}
	return dir, create(dir, a.Root.CreationInfo)
}

// create makes dir with the owner and permissions of ci.
func create(dir string, ci *creationInfo) error {
	perm, err := strconv.ParseUint(ci.Permissions, 8, 32)
	if err != nil {
		return fmt.Errorf("access point permissions %q: %w", ci.Permissions, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chown(dir, int(*ci.OwnerUID), int(*ci.OwnerGID)); err != nil {
		return fmt.Errorf("creating the access point's root directory: %w", err)
	}
	// Chmod after Chown, and not through Mkdir: the umask would mask
	// the mode, and chown clears setuid/setgid bits.
	return os.Chmod(dir, fs.FileMode(perm&0o777)|modeBits(perm))
}

// modeBits converts the setuid, setgid and sticky bits of an octal mode.
func modeBits(perm uint64) fs.FileMode {
	var m fs.FileMode
	if perm&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if perm&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if perm&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}
