package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/sockerless/sockerless/sandbox/rootfs"
)

// skeletonDirs are the directories of an Alpine-like root.
var skeletonDirs = []struct {
	path string
	mode fs.FileMode
}{
	{"/bin", 0o755}, {"/dev", 0o755}, {"/etc", 0o755}, {"/home", 0o755}, {"/lib", 0o755},
	{"/mnt", 0o755}, {"/opt", 0o755}, {"/proc/self", 0o555}, {"/root", 0o700}, {"/run", 0o755},
	{"/sbin", 0o755}, {"/srv", 0o755}, {"/sys", 0o555}, {"/tmp", 0o1777 | fs.ModeSticky},
	{"/usr/bin", 0o755}, {"/usr/sbin", 0o755}, {"/usr/local/bin", 0o755}, {"/var/tmp", 0o1777 | fs.ModeSticky},
	{"/var/log", 0o755},
}

// skeletonFiles returns the files of an Alpine-like root.
func skeletonFiles(hostname string) map[string]string {
	return map[string]string{
		"/etc/passwd": "root:x:0:0:root:/root:/bin/sh\n" +
			"bin:x:1:1:bin:/bin:/sbin/nologin\n" +
			"daemon:x:2:2:daemon:/sbin:/sbin/nologin\n" +
			"nobody:x:65534:65534:nobody:/:/sbin/nologin\n",
		"/etc/group": "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\n" +
			"wheel:x:10:root\nusers:x:100:\nnogroup:x:65533:\nnobody:x:65534:\n",
		"/etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
			"127.0.1.1\t" + hostname + "\n",
		"/etc/hostname":    hostname + "\n",
		"/etc/resolv.conf": "# the sockerless sandbox has no network access\nnameserver 127.0.0.1\n",
		"/etc/shells":      "/bin/sh\n/bin/ash\n",
		// Device files are placeholders: the sandbox serves them virtually.
		"/dev/null": "", "/dev/zero": "", "/dev/random": "", "/dev/urandom": "", "/dev/tty": "",
		"/proc/self/cgroup": "0::/\n",
		"/proc/self/mounts": "rootfs / rootfs rw 0 0\n",
	}
}

// busyboxNote is the content of the skeleton's /bin/busybox: the sandbox
// runs applets by name and never reads it.
const busyboxNote = "#!/bin/sh\n# Applets of the sockerless sandbox; they run as WebAssembly, by name.\n"

// WriteSkeleton adds the files of an Alpine-like root to root (usually an
// unpacked image, possibly empty): /etc/passwd, /etc/group, /etc/hosts,
// /etc/hostname, /etc/resolv.conf, /tmp, /dev/null... It never overwrites
// existing files and writes only inside root, even when the image holds
// symlinks. When the root has no /bin/sh, it also links every applet of the
// toolbox into /bin, as busybox --install does.
func WriteSkeleton(root, hostname string) error {
	fsys, err := rootfs.New(root, nil)
	if err != nil {
		return err
	}
	for _, d := range skeletonDirs {
		if err := mkdirAll(fsys, d.path); err != nil {
			return fmt.Errorf("sandbox: skeleton %s: %w", d.path, err)
		}
		if res, err := fsys.Resolve(d.path, true); err == nil && (d.path == "/tmp" || d.path == "/var/tmp") {
			os.Chmod(res.Host, d.mode) // best effort: the image may own it
		}
	}
	for p, content := range skeletonFiles(hostname) {
		if err := createFile(fsys, p, content, 0o644); err != nil {
			return err
		}
	}
	res, err := fsys.Resolve("/bin/sh", false)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(res.Host); err == nil {
		return nil
	}
	if err := createFile(fsys, "/bin/busybox", busyboxNote, 0o755); err != nil {
		return err
	}
	for _, name := range append(defaultToolbox().Names(), "sh", "ash") {
		link, err := fsys.Resolve(path.Join("/bin", name), false)
		if err != nil {
			return err
		}
		if err := os.Symlink("busybox", link.Host); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("sandbox: skeleton /bin/%s: %w", name, err)
		}
	}
	return nil
}

// createFile writes a new file at the container path p, leaving an
// existing file (or symlink) alone.
func createFile(fsys *rootfs.FS, p, content string, mode fs.FileMode) error {
	res, err := fsys.Resolve(p, false)
	if err != nil {
		return fmt.Errorf("sandbox: skeleton %s: %w", p, err)
	}
	f, err := os.OpenFile(res.Host, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, mode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: skeleton %s: %w", p, err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
