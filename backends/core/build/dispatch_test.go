package build

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

const allInstructions = `FROM busybox AS base
ARG V=1
ENV A=$V B="two words"
LABEL l1=$A
EXPOSE 80 53/udp
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s CMD ["true"]
USER app:staff
WORKDIR rel
WORKDIR sub
SHELL ["echo"]
RUN hello $A
COPY --chown=app:staff --chmod=600 a.txt /dst/
ADD arch.tar /unpacked/
ONBUILD RUN echo child
MAINTAINER someone
CMD run me
ENTRYPOINT ["/bin/app"]
`

func TestBuildAllInstructions(t *testing.T) {
	f := newFixture(t)
	arch := string(imagestoretest.Tar(t, imagestoretest.Entry{Name: "inner/x.txt", Body: "x"}))
	out, jerr, err := f.build(t, map[string]string{"Dockerfile": allInstructions, "a.txt": "a\n", "arch.tar": arch},
		client.ImageBuildOptions{Tags: []string{"all:1", "all:2"}, BuildArgs: map[string]*string{"V": ptr("7"), "UNUSED": ptr("x")}})
	if err != nil || jerr != nil {
		t.Fatalf("build: %v %v\n%s", err, jerr, out)
	}
	for _, want := range []string{"Step 1/18 : FROM busybox AS base", "Step 12/18 : RUN hello $A", " ---> Running in ",
		"hello $A\n", "[Warning] One or more build-args [UNUSED] were not consumed", "Successfully tagged all:1", "Successfully tagged all:2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	img := f.image(t, "all:2")
	c := img.Config.Config
	got := map[string]any{
		"env": c.Env, "labels": c.Labels, "ports": len(c.ExposedPorts), "stop": c.StopSignal,
		"health": c.Healthcheck.Test, "interval": c.Healthcheck.Interval, "user": c.User, "workdir": c.WorkingDir,
		"shell": c.Shell, "onbuild": c.OnBuild, "cmd": c.Cmd, "entrypoint": c.Entrypoint, "author": img.Config.Author,
	}
	want := map[string]any{
		"env": []string{"A=7", "B=two words"}, "labels": map[string]string{"l1": "7"}, "ports": 2, "stop": "SIGINT",
		"health": []string{"CMD", "true"}, "interval": 5 * time.Second, "user": "app:staff", "workdir": "/rel/sub",
		"shell": []string{"echo"}, "onbuild": []string{"RUN echo child"}, "cmd": []string{"echo", "run me"},
		"entrypoint": []string{"/bin/app"}, "author": "someone",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
	hist, err := f.images.History(t.Context(), "all:1")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, h := range hist {
		cmds = append(cmds, h.CreatedBy)
	}
	// As dockerd (compared with 20.10): two spaces after "#(nop)" for
	// configuration steps, one for WORKDIR, COPY and ADD; HEALTHCHECK's
	// *container.HealthConfig formatted with %q (StartInterval since 25).
	for _, want := range []string{"/bin/sh -c #(nop)  ENV A=7 B=two words", "|1 V=7 echo hello $A",
		"/bin/sh -c #(nop) WORKDIR /rel/sub", "echo #(nop)  ONBUILD RUN echo child", "/bin/sh -c #(nop)  EXPOSE 53/udp 80",
		`/bin/sh -c #(nop)  HEALTHCHECK &{["CMD" "true"] "5s" "0s" "0s" "0s" '\x00'}`} {
		if !slices.Contains(cmds, want) {
			t.Errorf("history lacks %q: %q", want, cmds)
		}
	}

	// COPY --chown=app:staff --chmod=600 wrote the file as 1000:50, mode 0600.
	if hdr := f.layerEntry(t, "all:1", "dst/a.txt"); hdr == nil || hdr.Uid != 1000 || hdr.Gid != 50 || hdr.Mode&0o7777 != 0o600 {
		t.Errorf("COPY --chown --chmod wrote %+v", hdr)
	}
	for _, name := range []string{"rel/", "rel/sub/", "unpacked/inner/x.txt"} {
		if f.layerEntry(t, "all:1", name) == nil {
			t.Errorf("no layer holds %s (WORKDIR creates directories, ADD unpacks archives)", name)
		}
	}

	// A child image runs the ONBUILD trigger and reads the parent's files.
	out, jerr, err = f.build(t, map[string]string{"Dockerfile": "FROM all:1\nCOPY --from=all:1 /dst/a.txt /unpacked/inner/x.txt /copied/\n"},
		client.ImageBuildOptions{Tags: []string{"child"}})
	if err != nil || jerr != nil {
		t.Fatalf("child build: %v %v\n%s", err, jerr, out)
	}
	if !strings.Contains(out, "# Executing 1 build trigger\n") || !strings.Contains(out, "echo child\n") {
		t.Errorf("child build output:\n%s", out)
	}
}

func TestBuildProxyArgs(t *testing.T) {
	f := newFixture(t)
	out, jerr, err := f.build(t, map[string]string{"Dockerfile": "FROM busybox\nRUN [\"echo\", \"x\"]\n"},
		client.ImageBuildOptions{Tags: []string{"p"}, BuildArgs: map[string]*string{"HTTP_PROXY": ptr("http://proxy:3128")}})
	if err != nil || jerr != nil {
		t.Fatalf("%v %v\n%s", err, jerr, out)
	}
	if strings.Contains(out, "were not consumed") {
		t.Errorf("a proxy build arg was reported unused:\n%s", out)
	}
	hist, _ := f.images.History(t.Context(), "p")
	if strings.Contains(hist[0].CreatedBy, "proxy") {
		t.Errorf("the proxy reached the history: %q", hist[0].CreatedBy)
	}
}

func TestBuildCache(t *testing.T) {
	f := newFixture(t)
	files := map[string]string{"Dockerfile": "FROM busybox\nENV X=1\nCOPY a.txt /\nRUN [\"echo\", \"ran\"]\n", "a.txt": "a"}
	out1, _, err := f.build(t, files, client.ImageBuildOptions{Tags: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	id1 := f.image(t, "c").ID
	out2, _, err := f.build(t, files, client.ImageBuildOptions{Tags: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out2, " ---> Using cache\n"); n != 3 || strings.Contains(out2, "ran\n") {
		t.Errorf("rebuild used the cache %d times, want 3:\n%s", n, out2)
	}
	if id2 := f.image(t, "c").ID; id2 != id1 {
		t.Errorf("cached rebuild made %s, first build %s\n%s\n%s", id2, id1, out1, out2)
	}
	files["a.txt"] = "changed"
	out3, _, _ := f.build(t, files, client.ImageBuildOptions{Tags: []string{"c"}})
	if n := strings.Count(out3, "Using cache"); n != 1 || !strings.Contains(out3, "ran\n") {
		t.Errorf("a changed COPY source must miss from there on (%d hits):\n%s", n, out3)
	}
	out4, _, _ := f.build(t, files, client.ImageBuildOptions{NoCache: true})
	if strings.Contains(out4, "Using cache") {
		t.Errorf("--no-cache used the cache:\n%s", out4)
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		opts    client.ImageBuildOptions
		httpErr func(error) bool // an HTTP error before the stream
		want    string
		code    int
	}{
		{"failing RUN", map[string]string{"Dockerfile": "FROM busybox\nRUN [\"exit\", \"3\"]\n"}, client.ImageBuildOptions{},
			nil, "The command 'exit 3' returned a non-zero code: 3", 3},
		{"no Dockerfile", map[string]string{"a": "b"}, client.ImageBuildOptions{}, errdefs.IsInvalidArgument,
			"Cannot locate specified Dockerfile: Dockerfile", 0},
		{"unknown instruction", map[string]string{"Dockerfile": "FROM busybox\nFOO bar\n"}, client.ImageBuildOptions{},
			errdefs.IsInvalidArgument, "unknown instruction: FOO", 0},
		{"unknown target", map[string]string{"Dockerfile": "FROM busybox AS a\n"}, client.ImageBuildOptions{Target: "b"},
			errdefs.IsInvalidArgument, "failed to reach build target b in Dockerfile", 0},
		{"missing source", map[string]string{"Dockerfile": "FROM busybox\nCOPY nope.txt /\n"}, client.ImageBuildOptions{},
			nil, "COPY failed: file not found in build context or excluded by .dockerignore: stat nope.txt: file does not exist", 0},
		{"ignored source", map[string]string{"Dockerfile": "FROM busybox\nCOPY a.txt /\n", "a.txt": "a", ".dockerignore": "*.txt\n"},
			client.ImageBuildOptions{}, nil, "COPY failed: file not found in build context or excluded by .dockerignore: stat a.txt", 0},
		{"RUN --mount", map[string]string{"Dockerfile": "FROM busybox\nRUN --mount=type=cache,target=/c echo\n"},
			client.ImageBuildOptions{}, nil, "the --mount option requires BuildKit", 0},
		{"bad tag", map[string]string{"Dockerfile": "FROM busybox\n"}, client.ImageBuildOptions{Tags: []string{"UPPER"}},
			errdefs.IsInvalidArgument, "must be lowercase", 0},
		{"several sources to a file", map[string]string{"Dockerfile": "FROM busybox\nCOPY a b /x\n", "a": "", "b": ""},
			client.ImageBuildOptions{}, nil, "When using COPY with more than one source file, the destination must be a directory and end with a /", 0},
	}
	f := newFixture(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, jerr, err := f.build(t, tc.files, tc.opts)
			if tc.httpErr != nil {
				if err == nil || !tc.httpErr(err) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if jerr == nil || !strings.Contains(jerr.Message, tc.want) || jerr.Code != tc.code {
				t.Fatalf("in-band error = %+v, want %q code %d\n%s", jerr, tc.want, tc.code, out)
			}
		})
	}
}

func TestBuildTargetAndLabels(t *testing.T) {
	f := newFixture(t)
	df := "FROM busybox AS one\nENV STAGE=one\nVOLUME /vol\nFROM one AS two\nENV STAGE=two\n"
	out, jerr, err := f.build(t, map[string]string{"Dockerfile": df},
		client.ImageBuildOptions{Target: "one", Tags: []string{"tgt"}, Labels: map[string]string{"b": "2", "a": "1"}})
	if err != nil || jerr != nil {
		t.Fatalf("%v %v\n%s", err, jerr, out)
	}
	if !strings.Contains(out, "Step 4/5 : LABEL a=1") || !strings.Contains(out, "Step 5/5 : LABEL b=2") {
		t.Errorf("labels are not the last steps:\n%s", out)
	}
	c := f.image(t, "tgt").Config.Config
	if !slices.Contains(c.Env, "STAGE=one") || c.Labels["a"] != "1" || c.Labels["b"] != "2" || len(c.Volumes) != 1 {
		t.Errorf("target image config %+v", c)
	}
}

func ptr(s string) *string { return &s }

// TestBuildCacheFrom: an image loaded from elsewhere (no parent chain)
// serves as the cache with --cache-from, and the build ends on its ID.
func TestBuildCacheFrom(t *testing.T) {
	files := map[string]string{"Dockerfile": "FROM busybox\nENV X=1\nCOPY a.txt /\nRUN [\"echo\", \"ran\"]\nLABEL last=1\n", "a.txt": "a"}
	first := newFixture(t)
	if out, jerr, err := first.build(t, files, client.ImageBuildOptions{Tags: []string{"app:1"}}); err != nil || jerr != nil {
		t.Fatalf("%v %v\n%s", err, jerr, out)
	}
	var saved bytes.Buffer
	if err := first.images.Save(t.Context(), &saved, []string{"app:1", "busybox"}); err != nil {
		t.Fatal(err)
	}
	want := first.image(t, "app:1").ID

	second := newFixture(t)
	if err := second.images.Load(t.Context(), &saved, func(imagestore.Progress) {}); err != nil {
		t.Fatal(err)
	}
	out, jerr, err := second.build(t, files, client.ImageBuildOptions{Tags: []string{"app:2"}, CacheFrom: []string{"app:1"}})
	if err != nil || jerr != nil {
		t.Fatalf("%v %v\n%s", err, jerr, out)
	}
	if n := strings.Count(out, "Using cache"); n != 4 || strings.Contains(out, "ran\n") {
		t.Errorf("--cache-from served %d steps, want 4:\n%s", n, out)
	}
	if got := second.image(t, "app:2").ID; got != want {
		t.Errorf("built %s, the cache source is %s", got, want)
	}
}

// TestBuildCopyKeepsModes: COPY of a directory keeps the context's modes
// of what is below it.
func TestBuildCopyKeepsModes(t *testing.T) {
	f := newFixture(t)
	ctxTar := imagestoretest.Tar(t, imagestoretest.Entry{Name: "Dockerfile", Body: "FROM busybox\nCOPY src /dst\n"},
		imagestoretest.Entry{Name: "src/", Type: '5', Mode: 0o755}, imagestoretest.Entry{Name: "src/private/", Type: '5', Mode: 0o750},
		imagestoretest.Entry{Name: "src/private/run.sh", Body: "#!/bin/sh\n", Mode: 0o700})
	res, err := f.cli.ImageBuild(t.Context(), bytes.NewReader(ctxTar), client.ImageBuildOptions{Tags: []string{"modes"}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	for name, want := range map[string]int64{"dst/private/": 0o750, "dst/private/run.sh": 0o700, "dst/": 0o755} {
		if hdr := f.layerEntry(t, "modes", name); hdr == nil || hdr.Mode&0o7777 != want {
			t.Errorf("%s: %+v, want mode %o", name, hdr, want)
		}
	}
}
