package memdriver

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"

	"github.com/sockerless/sockerless/api/driver"
)

// newDriver returns a driver whose compiled toolbox is cached across test
// runs (wazero keys the cache by its version and the module's hash).
func newDriver(t *testing.T) *Driver {
	t.Helper()
	d, err := New(t.Context(), Options{DataDir: t.TempDir(), CacheDir: filepath.Join(os.TempDir(), "sockerless-sandbox-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// createCtr creates container id with a root holding files.
func createCtr(t *testing.T, d *Driver, id string, files map[string]string, mounts ...driver.Mount) driver.Spec {
	t.Helper()
	root := filepath.Join(t.TempDir(), "rootfs")
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	spec := driver.Spec{ID: id, Hostname: "host-" + id, RootFS: root, Mounts: mounts, Path: "sh"}
	if err := d.Create(t.Context(), spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// start starts script as the main process.
func start(t *testing.T, d *Driver, spec driver.Spec, script string) (driver.Task, *syncBuffer) {
	t.Helper()
	var out syncBuffer
	spec.Args = []string{"-c", script}
	task, err := d.Start(t.Context(), spec, driver.Streams{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	return task, &out
}

func wait(t *testing.T, task driver.Task) driver.ExitStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	st, err := task.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestLifecycle(t *testing.T) {
	d := newDriver(t)
	tests := []struct {
		name, script string
		wantCode     int
		wantOut      string
	}{
		{"exit 0", "echo hi; cat /etc/hostname", 0, "hi\nhost-c\n"},
		{"exit 3", "exit 3", 3, ""},
		{"image file", "cat /app/data.txt", 0, "image data"},
		{"not found", "nope", 127, "sh: nope: not found\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := createCtr(t, d, "c", map[string]string{"app/data.txt": "image data"})
			defer d.Remove(t.Context(), "c")
			task, out := start(t, d, spec, tc.script)
			if task.PID() != 1 {
				t.Errorf("PID = %d", task.PID())
			}
			st := wait(t, task)
			if st.Code != tc.wantCode || out.String() != tc.wantOut || st.FinishedAt.IsZero() {
				t.Errorf("exit %d %q, want %d %q", st.Code, out.String(), tc.wantCode, tc.wantOut)
			}
		})
	}
	if err := d.Remove(t.Context(), "c"); !errdefs.IsNotFound(err) {
		t.Errorf("Remove twice: %v", err)
	}
	spec := createCtr(t, d, "n", nil)
	spec.Path, spec.Args = "nope", nil
	if _, err := d.Start(t.Context(), spec, driver.Streams{}); !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), "executable file not found in $PATH") {
		t.Errorf("Start(nope) = %v", err)
	}
}

func TestSignalsAndExec(t *testing.T) {
	d := newDriver(t)
	spec := createCtr(t, d, "s", nil)
	task, _ := start(t, d, spec, "sleep 60")
	var out syncBuffer
	var pid int
	code, err := d.Exec(t.Context(), "s", driver.Process{Args: []string{"sh", "-c", "echo in exec; ps >/dev/null; exit 5"}}, driver.Streams{Stdout: &out}, func(p int) { pid = p })
	if err != nil || code != 5 || out.String() != "in exec\n" || pid < 2 {
		t.Errorf("Exec = %d, %v, %q, pid %d", code, err, out.String(), pid)
	}
	top, err := d.Top(t.Context(), "s")
	if err != nil || len(top) != 2 || top[0].PID != 1 || top[1].Command != "sleep 60" || top[1].PPID != 1 {
		t.Errorf("Top = %+v, %v", top, err)
	}
	// The sleep applet's linear memory exists once its instance has
	// started, which a loaded machine may delay past Exec's return.
	u, err := d.Stats(t.Context(), "s")
	for deadline := time.Now().Add(10 * time.Second); err == nil && u.MemoryBytes == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		u, err = d.Stats(t.Context(), "s")
	}
	if err != nil || u.PIDs != 2 || u.MemoryBytes == 0 || u.SystemNanos == 0 {
		t.Errorf("Stats = %+v, %v", u, err)
	}
	if err := task.Signal(t.Context(), syscall.SIGSTOP); !errdefs.IsNotImplemented(err) || !strings.Contains(err.Error(), "memory backend") {
		t.Errorf("SIGSTOP: %v", err)
	}
	start := time.Now()
	if err := task.Signal(t.Context(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if st := wait(t, task); st.Code != 143 || time.Since(start) > time.Second {
		t.Errorf("after SIGTERM: %+v after %v", st, time.Since(start))
	}
	if _, err := d.Exec(t.Context(), "s", driver.Process{Args: []string{"true"}}, driver.Streams{}, nil); !errdefs.IsConflict(err) {
		t.Errorf("Exec in stopped container: %v", err)
	}
}

// tarEntries lists name → content (or "->target", or "dir") of a tar.
func tarEntries(t *testing.T, r io.Reader) map[string]string {
	t.Helper()
	out := map[string]string{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			out[hdr.Name] = "dir"
		case tar.TypeSymlink:
			out[hdr.Name] = "->" + hdr.Linkname
		default:
			b, _ := io.ReadAll(tr)
			out[hdr.Name] = string(b)
		}
	}
}

func TestArchive(t *testing.T) {
	d := newDriver(t)
	vol := t.TempDir()
	createCtr(t, d, "a", map[string]string{"dir/f": "F", "dir/sub/g": "G"}, driver.Mount{Type: "volume", Source: vol, Destination: "/vol"})
	if err := os.Symlink("/dir", filepath.Join(d.ctrs["a"].root, "link")); err != nil {
		t.Fatal(err)
	}
	rc, st, err := d.GetArchive(t.Context(), "a", "/dir")
	if err != nil {
		t.Fatal(err)
	}
	got := tarEntries(t, rc)
	rc.Close()
	if d := cmp.Diff(map[string]string{"dir/": "dir", "dir/f": "F", "dir/sub/": "dir", "dir/sub/g": "G"}, got); d != "" || st.Name != "dir" || !os.FileMode(st.Mode).IsDir() {
		t.Errorf("GetArchive(/dir) %+v (-want +got):\n%s", st, d)
	}
	// A mount below the copied directory is copied too, as a process sees it.
	if err := os.WriteFile(filepath.Join(vol, "v"), []byte("V"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, _, err = d.GetArchive(t.Context(), "a", "/")
	if err != nil {
		t.Fatal(err)
	}
	if got := tarEntries(t, rc); got["./vol/v"] != "V" || got["./dir/f"] != "F" || got["./link"] != "->/dir" {
		t.Errorf("GetArchive(/): vol/v %q dir/f %q link %q", got["./vol/v"], got["./dir/f"], got["./link"])
	}
	rc.Close()
	rc, _, err = d.GetArchive(t.Context(), "a", "/link/.")
	if err != nil {
		t.Fatal(err)
	}
	if got := tarEntries(t, rc); got["./f"] != "F" {
		t.Errorf("GetArchive(/link/.) = %v", got)
	}
	rc.Close()
	st, err = d.StatPath(t.Context(), "a", "/link")
	if err != nil || st.LinkTarget != "/dir" || os.FileMode(st.Mode)&os.ModeSymlink == 0 {
		t.Errorf("StatPath(/link) = %+v, %v", st, err)
	}
	for _, p := range []string{"/nope", "/../../../etc/shadow"} {
		if _, err := d.StatPath(t.Context(), "a", p); !errdefs.IsNotFound(err) {
			t.Errorf("StatPath(%s) = %v", p, err)
		}
	}
	// Put an archive that tries to leave through "..", an absolute link and
	// a link it creates itself.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		tw.WriteHeader(h)
		tw.Write([]byte(body))
	}
	add(&tar.Header{Name: "new/", Typeflag: tar.TypeDir, Mode: 0o750}, "")
	add(&tar.Header{Name: "new/x.sh", Typeflag: tar.TypeReg, Mode: 0o755}, "#!/bin/sh\necho x\n")
	add(&tar.Header{Name: "../../../escape", Typeflag: tar.TypeReg}, "E")
	add(&tar.Header{Name: "root", Typeflag: tar.TypeSymlink, Linkname: "/"}, "")
	add(&tar.Header{Name: "root/rooted", Typeflag: tar.TypeReg}, "R")
	add(&tar.Header{Name: "hl", Typeflag: tar.TypeLink, Linkname: "new/x.sh"}, "")
	tw.Close()
	outside := filepath.Dir(d.ctrs["a"].root)
	if err := d.PutArchive(t.Context(), "a", "/vol", &buf, driver.ArchiveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(outside, "escape"), filepath.Join(filepath.Dir(vol), "escape"), "/rooted"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written outside the container", p)
		}
	}
	checks := map[string]string{
		filepath.Join(vol, "new/x.sh"):            "#!/bin/sh\necho x\n",
		filepath.Join(vol, "escape"):              "E", // "../" names are cleaned below the destination
		filepath.Join(d.ctrs["a"].root, "rooted"): "R",
	}
	for p, want := range checks {
		if b, err := os.ReadFile(p); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", p, b, err, want)
		}
	}
	if fi, err := os.Stat(filepath.Join(vol, "new")); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("mode of /vol/new: %v %v", fi.Mode(), err)
	}
	if err := d.PutArchive(t.Context(), "a", "/dir/f", bytes.NewReader(nil), driver.ArchiveOptions{}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("PutArchive into a file: %v", err)
	}
	// The extracted script runs.
	task, out := start(t, d, driver.Spec{ID: "a", Path: "sh"}, "/vol/new/x.sh")
	if st := wait(t, task); st.Code != 0 || out.String() != "x\n" {
		t.Errorf("extracted script: %d %q", st.Code, out.String())
	}
}

func TestChangesAndExport(t *testing.T) {
	d := newDriver(t)
	spec := createCtr(t, d, "ch", map[string]string{"etc/app.conf": "v1", "opt/old": "o"})
	task, _ := start(t, d, spec, "echo v2 > /etc/app.conf; echo n > /tmp/new; rm /opt/old")
	if st := wait(t, task); st.Code != 0 {
		t.Fatalf("exit %d", st.Code)
	}
	ch, err := d.Changes(t.Context(), "ch")
	if err != nil {
		t.Fatal(err)
	}
	want := []driver.Change{{Path: "/etc"}, {Path: "/etc/app.conf"}, {Path: "/opt"}, {Path: "/opt/old", Kind: 2}, {Path: "/tmp"}, {Path: "/tmp/new", Kind: 1}}
	if d := cmp.Diff(want, ch); d != "" {
		t.Errorf("Changes (-want +got):\n%s", d)
	}
	// A restarted daemon creates the container again: its changes stay.
	d2, err := New(t.Context(), Options{DataDir: d.opts.DataDir, CacheDir: d.opts.CacheDir})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	ch2, err := d2.Changes(t.Context(), "ch") // set up again from the saved spec
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, ch2); d != "" {
		t.Errorf("Changes after a restart (-want +got):\n%s", d)
	}
	rc, err := d.Export(t.Context(), "ch")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got := tarEntries(t, rc)
	if got["etc/app.conf"] != "v2\n" || got["tmp/new"] != "n\n" || !slices.Contains([]string{"dir"}, got["tmp/"]) {
		t.Errorf("Export: app.conf %q tmp/new %q tmp/ %q", got["etc/app.conf"], got["tmp/new"], got["tmp/"])
	}
}

func TestResizeTTY(t *testing.T) {
	d := newDriver(t)
	spec := createCtr(t, d, "tty", nil)
	spec.TTY = true
	spec.Args = []string{"-c", "while [ ! -e /tmp/go ]; do sleep 0.01; done; printenv LINES COLUMNS"}
	var out syncBuffer
	task, err := d.Start(t.Context(), spec, driver.Streams{Stdout: &out, TTY: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Resize(t.Context(), "tty", driver.TermSize{Height: 40, Width: 100}); err != nil {
		t.Fatal(err)
	}
	if code, err := d.Exec(t.Context(), "tty", driver.Process{Args: []string{"touch", "/tmp/go"}}, driver.Streams{}, nil); code != 0 || err != nil {
		t.Fatalf("exec touch: %d %v", code, err)
	}
	if st := wait(t, task); st.Code != 0 || out.String() != "40\r\n100\r\n" {
		t.Errorf("exit %d, output %q", st.Code, out.String())
	}
	if err := d.Resize(t.Context(), "nope", driver.TermSize{}); !errdefs.IsNotFound(err) {
		t.Errorf("Resize(nope) = %v", err)
	}
}

// TestRemoveKeepsCoreFiles checks that the driver deletes only its own
// files: the core keeps its records in DataDir/containers/ID.
func TestRemoveKeepsCoreFiles(t *testing.T) {
	d := newDriver(t)
	coreDir := filepath.Join(d.opts.DataDir, "containers", "k")
	root := filepath.Join(coreDir, "rootfs")
	writeFileT(t, filepath.Join(coreDir, "k-json.log"), "log")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := d.Create(t.Context(), driver.Spec{ID: "k", RootFS: root}); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove(t.Context(), "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(coreDir, "k-json.log")); err != nil {
		t.Errorf("the core's file is gone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d.opts.DataDir, "memory", "containers", "k")); err == nil {
		t.Error("the driver's files are left")
	}
}

func writeFileT(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
