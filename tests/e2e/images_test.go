package e2e

import (
	"archive/tar"
	"bytes"
	"io"
	"io/fs"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/sockerless/sockerless/tests/harness"
)

// The acceptance checks of issue 2 (images and build for real) with the
// real docker CLI against Sockerless's memory backend, and a registry
// (go-containerregistry's) on 127.0.0.1 seeded by the test.

// startRegistry serves an in-memory OCI registry on 127.0.0.1 and returns
// its host:port.
func startRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// slowBlobs serves blob downloads at about 3 MB/s and counts the bytes
// sent, so that a test can kill a daemon in the middle of a pull.
type slowBlobs struct {
	h    http.Handler
	sent atomic.Int64
}

func (s *slowBlobs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
		w = &slowWriter{ResponseWriter: w, sent: &s.sent}
	}
	s.h.ServeHTTP(w, r)
}

type slowWriter struct {
	http.ResponseWriter
	sent *atomic.Int64
}

func (w *slowWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n, err := w.ResponseWriter.Write(p[:min(len(p), 32<<10)])
		written += n
		w.sent.Add(int64(n))
		if err != nil {
			return written, err
		}
		p = p[n:]
		time.Sleep(10 * time.Millisecond)
	}
	return written, nil
}

// tarLayer is a layer holding files (path -> content, mode 0644).
func tarLayer(t *testing.T, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data))})
		tw.Write([]byte(data))
	}
	tw.Close()
	raw := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// pushApp pushes a busybox-based image with an Entrypoint, Env, WorkingDir
// and a file of its own to ref, and the extra layers on top.
func pushApp(t *testing.T, ref string, extra ...v1.Layer) {
	t.Helper()
	rootfs := harness.BusyboxRootfs(t)
	base, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(rootfs)), nil })
	if err != nil {
		t.Fatal(err)
	}
	layers := append([]v1.Layer{base, tarLayer(t, map[string]string{"app/data.txt": "shipped in the image\n"})}, extra...)
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cf.Config
	cfg.Entrypoint = []string{"sh", "-c", `echo "$GREETING from $(pwd)"; cat data.txt`}
	cfg.Env = []string{"PATH=/bin", "GREETING=hello"}
	cfg.WorkingDir = "/app"
	if img, err = mutate.Config(img, cfg); err != nil {
		t.Fatal(err)
	}
	if cf, err = img.ConfigFile(); err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("seed %s: %v", ref, err)
	}
}

// Acceptance 1: pull, then run with the image's Entrypoint, Env and
// WorkingDir; a file of the image is readable.
func TestImagesPullRun(t *testing.T) {
	host := harness.StartSockerless(t, "memory").Host
	reg := startRegistry(t)
	ref := reg + "/app:1"
	pushApp(t, ref)
	out := harness.MustDocker(t, host, "pull", ref)
	if !strings.Contains(out, "Status: Downloaded newer image for "+ref) {
		t.Errorf("docker pull output:\n%s", out)
	}
	got := harness.MustDocker(t, host, "run", "--rm", ref)
	if want := "hello from /app\nshipped in the image\n"; got != want {
		t.Errorf("docker run = %q, want %q", got, want)
	}

	// A build FROM an image that is not in the store pulls it.
	t.Setenv("DOCKER_BUILDKIT", "0")
	harness.MustDocker(t, host, "rmi", ref)
	dir := buildContext(t, map[string]string{"Dockerfile": "FROM " + ref + "\nRUN cat data.txt\n"})
	out = harness.MustDocker(t, host, "build", "-t", "child", dir)
	if !strings.Contains(out, "shipped in the image\n") || !strings.Contains(out, "Successfully tagged child:latest") {
		t.Errorf("build FROM a remote image:\n%s", out)
	}
}

// Acceptance 4: a missing image fails with Docker's message.
func TestImagesPullMissing(t *testing.T) {
	host := harness.StartSockerless(t, "memory").Host
	reg := startRegistry(t)
	r := harness.Docker(t, host, nil, "pull", reg+"/nope:1")
	if r.ExitCode == 0 {
		t.Fatalf("pull of a missing image succeeded: %s", r.Stdout)
	}
	// dockerd's translatePullError for the registry's NAME_UNKNOWN.
	want := "Error response from daemon: repository " + reg + "/nope not found: name unknown"
	if !strings.Contains(r.Stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", r.Stderr, want)
	}
	if out := harness.MustDocker(t, host, "images", "-q"); out != "" {
		t.Errorf("docker images after a failed pull: %q", out)
	}
}

// Acceptance 4: a backend killed with SIGKILL in the middle of a pull
// restarts with nothing of the image, and the pull then completes.
func TestImagesPullKill9(t *testing.T) {
	s := harness.StartSplit(t, "memory")
	slow := &slowBlobs{h: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	srv := httptest.NewServer(slow)
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/big:1"
	noise := make([]byte, 8<<20)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	pushApp(t, ref, tarLayer(t, map[string]string{"noise.bin": string(noise)}))

	pull := exec.Command("docker", "pull", ref)
	pull.Env = append(os.Environ(), "DOCKER_HOST="+s.Host)
	if err := pull.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return slow.sent.Load() > 3<<20 }, "3 MB of blobs sent")
	s.KillBackend()
	pull.Wait()
	s.StartBackend("memory")

	if out := harness.MustDocker(t, s.Host, "images", "-a", "-q"); out != "" {
		t.Errorf("docker images after a killed pull: %q", out)
	}
	// The store verified itself at start: no temporary file and no blob
	// of the unfinished image is left.
	var left []string
	err := filepath.WalkDir(filepath.Join(s.DataDir, "memory", "images", "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, d.Name())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("the image store kept %d files of the killed pull: %q", len(left), left)
	}
	harness.MustDocker(t, s.Host, "pull", ref)
	if got := harness.MustDocker(t, s.Host, "run", "--rm", "--entrypoint", "cat", ref, "/app/data.txt"); got != "shipped in the image\n" {
		t.Errorf("run after the repeated pull = %q", got)
	}
}

const twoStage = `ARG BASE=` + img + `
FROM $BASE AS builder
ARG MSG=default
ENV OUT=/out
RUN mkdir -p $OUT && echo "$MSG" > $OUT/msg.txt && echo built > /out/second.txt
FROM $BASE
COPY --from=builder /out/ /opt/out/
COPY *.txt /opt/
USER nobody
WORKDIR /opt
ENTRYPOINT ["sh", "-c", "cat out/msg.txt out/second.txt local.txt; pwd"]
`

// buildContext writes a build context directory.
func buildContext(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Acceptance 2 and 3: the two-stage build, its history, a failing RUN,
// the cache, then push / rmi / pull, save | load and commit.
func TestImagesBuildPushSaveCommit(t *testing.T) {
	t.Setenv("DOCKER_BUILDKIT", "0")
	host := start(t)
	dir := buildContext(t, map[string]string{
		"Dockerfile": twoStage, "local.txt": "from the context\n", "ignored.txt": "secret\n", ".dockerignore": "ignored.txt\n",
	})
	out := harness.MustDocker(t, host, "build", "--build-arg", "MSG=hi", "-t", "t", "-t", "t:2", "--label", "acceptance=2", dir)
	for _, want := range []string{"Step 1/12 : ARG BASE=" + img, "Step 5/12 : RUN mkdir", " ---> Running in ",
		"Successfully built ", "Successfully tagged t:latest", "Successfully tagged t:2"} {
		if !strings.Contains(out, want) {
			t.Errorf("build output lacks %q:\n%s", want, out)
		}
	}
	if got, want := harness.MustDocker(t, host, "run", "--rm", "t"), "hi\nbuilt\nfrom the context\n/opt\n"; got != want {
		t.Errorf("docker run t = %q, want %q", got, want)
	}
	if got := harness.MustDocker(t, host, "run", "--rm", "--entrypoint", "ls", "t", "/opt"); strings.Contains(got, "ignored.txt") {
		t.Errorf(".dockerignore'd file was copied: %q", got)
	}
	cfg := harness.MustDocker(t, host, "inspect", "--format", "{{.Config.User}} {{.Config.WorkingDir}} {{index .Config.Labels \"acceptance\"}}", "t")
	if cfg != "nobody /opt 2\n" {
		t.Errorf("inspect t = %q", cfg)
	}
	hist := harness.MustDocker(t, host, "history", "--no-trunc", "--format", "{{.CreatedBy}}", "t")
	for _, want := range []string{"ENTRYPOINT", "WORKDIR /opt", "USER nobody", "COPY file:", "COPY dir:", "LABEL acceptance=2"} {
		if !strings.Contains(hist, want) {
			t.Errorf("docker history t lacks %q:\n%s", want, hist)
		}
	}
	again := harness.MustDocker(t, host, "build", "--build-arg", "MSG=hi", "-t", "t", "--label", "acceptance=2", dir)
	if n := strings.Count(again, "Using cache"); n != 9 {
		t.Errorf("rebuild used the cache %d times, want 9:\n%s", n, again)
	}

	fail := buildContext(t, map[string]string{"Dockerfile": "FROM " + img + "\nRUN echo about to fail; exit 7\n"})
	r := harness.Docker(t, host, nil, "build", fail)
	if r.ExitCode != 7 || !strings.Contains(r.Stderr, "The command '/bin/sh -c echo about to fail; exit 7' returned a non-zero code: 7") ||
		!strings.Contains(r.Stdout, "about to fail") {
		t.Errorf("failing RUN: exit %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}

	// Push, remove, pull back: the same digest.
	reg := startRegistry(t)
	remoteRef := reg + "/t:1"
	harness.MustDocker(t, host, "tag", "t", remoteRef)
	push := harness.MustDocker(t, host, "push", remoteRef)
	m := regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`).FindStringSubmatch(push)
	if m == nil {
		t.Fatalf("docker push printed no digest:\n%s", push)
	}
	harness.MustDocker(t, host, "rmi", remoteRef)
	harness.MustDocker(t, host, "pull", remoteRef)
	digests := harness.MustDocker(t, host, "inspect", "--format", "{{join .RepoDigests \" \"}}", remoteRef)
	if !strings.Contains(digests, reg+"/t@"+m[1]) {
		t.Errorf("pulled back digests %q, pushed %s", digests, m[1])
	}
	// A fresh backend pulls the same bytes, and runs what RUN wrote.
	fresh := harness.StartSockerless(t, "memory").Host
	harness.MustDocker(t, fresh, "pull", remoteRef)
	if got := harness.MustDocker(t, fresh, "inspect", "--format", "{{join .RepoDigests \" \"}}", remoteRef); !strings.Contains(got, m[1]) {
		t.Errorf("fresh backend pulled digests %q, pushed %s", got, m[1])
	}
	if got := harness.MustDocker(t, fresh, "run", "--rm", remoteRef); got != "hi\nbuilt\nfrom the context\n/opt\n" {
		t.Errorf("fresh backend run = %q", got)
	}
	// With the base image pulled too, --cache-from the pulled build serves
	// the last stage's steps and the rebuild ends on the same image.
	harness.MustDocker(t, host, "tag", img, reg+"/base:e2e")
	harness.MustDocker(t, host, "push", reg+"/base:e2e")
	harness.MustDocker(t, fresh, "pull", reg+"/base:e2e")
	harness.MustDocker(t, fresh, "tag", reg+"/base:e2e", img)
	rebuilt := harness.MustDocker(t, fresh, "build", "--build-arg", "MSG=hi", "--cache-from", remoteRef, "-t", "t2",
		"--label", "acceptance=2", dir)
	if n := strings.Count(rebuilt, "Using cache"); n != 6 {
		t.Errorf("--cache-from served %d steps, want the last stage's 6:\n%s", n, rebuilt)
	}
	if a, b := harness.MustDocker(t, fresh, "inspect", "--format", "{{.Id}}", "t2"),
		harness.MustDocker(t, fresh, "inspect", "--format", "{{.Id}}", remoteRef); a != b {
		t.Errorf("--cache-from rebuild is %s, the pulled image %s", a, b)
	}

	// save | load round trip keeps the image ID.
	id := harness.MustDocker(t, host, "inspect", "--format", "{{.Id}}", "t")
	archive := filepath.Join(t.TempDir(), "t.tar")
	harness.MustDocker(t, host, "save", "-o", archive, "t")
	harness.MustDocker(t, host, "rmi", "t", "t:2", remoteRef)
	harness.MustDocker(t, host, "load", "-i", archive)
	if got := harness.MustDocker(t, host, "inspect", "--format", "{{.Id}}", "t"); got != id {
		t.Errorf("loaded image ID %q, saved %q", got, id)
	}

	// commit captures a file written in a running container.
	harness.MustDocker(t, host, "run", "-d", "--name", "committer", img, "sh", "-c", "echo committed > /tmp/f; sleep 60")
	waitFor(t, func() bool { return harness.Docker(t, host, nil, "exec", "committer", "cat", "/tmp/f").ExitCode == 0 }, "/tmp/f in committer")
	harness.MustDocker(t, host, "commit", "committer", "snap:1")
	if got := harness.MustDocker(t, host, "run", "--rm", "snap:1", "cat", "/tmp/f"); got != "committed\n" {
		t.Errorf("committed file = %q", got)
	}
	harness.MustDocker(t, host, "rm", "-f", "committer")
}

// Acceptance 3 against dockerd: an image saved by dockerd loads into
// Sockerless with the same ID, and an image Sockerless built loads into
// dockerd with the same ID and history. It runs when SOCKERLESS_DIFFERENTIAL
// is set, as the other tests that start a dockerd.
func TestImagesSaveLoadWithDockerd(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with dockerd")
	}
	t.Setenv("DOCKER_BUILDKIT", "0")
	sl := harness.StartSockerless(t, "memory").Host
	dd := harness.StartDockerd(t).Host
	harness.ImportBusybox(t, dd, "from-dockerd:1")
	id := func(host, ref string) string {
		return harness.MustDocker(t, host, "inspect", "--format", "{{.Id}}", ref)
	}

	saved := harness.MustDocker(t, dd, "save", "from-dockerd:1")
	if r := harness.Docker(t, sl, []byte(saved), "load"); r.ExitCode != 0 {
		t.Fatalf("load into sockerless: %s", r.Stderr)
	}
	if a, b := id(dd, "from-dockerd:1"), id(sl, "from-dockerd:1"); a != b {
		t.Errorf("dockerd's image is %s in dockerd, %s in sockerless", a, b)
	}

	dir := buildContext(t, map[string]string{"Dockerfile": "FROM from-dockerd:1\nCOPY a.txt /a.txt\nRUN echo ran > /ran\nCMD [\"cat\", \"/a.txt\", \"/ran\"]\n",
		"a.txt": "a\n"})
	harness.MustDocker(t, sl, "build", "-t", "built:1", dir)
	back := harness.MustDocker(t, sl, "save", "built:1")
	if r := harness.Docker(t, dd, []byte(back), "load"); r.ExitCode != 0 {
		t.Fatalf("load into dockerd: %s", r.Stderr)
	}
	if a, b := id(sl, "built:1"), id(dd, "built:1"); a != b {
		t.Errorf("built image is %s in sockerless, %s in dockerd", a, b)
	}
	hist := func(host string) string {
		return harness.MustDocker(t, host, "history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Size}}", "built:1")
	}
	if a, b := hist(sl), hist(dd); a != b {
		t.Errorf("history differs:\nsockerless:\n%s\ndockerd:\n%s", a, b)
	}
}
