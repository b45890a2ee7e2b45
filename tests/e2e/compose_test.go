package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// composeModule is the docker compose v2 release the tests build from the
// Go module proxy (see ../shared/TOOLS.md: `go install` refuses its go.mod,
// so the module is copied out of the cache and built there).
const composeModule = "github.com/docker/compose/v2@v2.40.3"

// composeBinary returns the docker-compose binary, building it into the
// user's cache directory on first use (several minutes). A build failure
// fails the test: a missing tool is never a skip.
func composeBinary(t testing.TB) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "sockerless", "tools")
	bin := filepath.Join(dir, "docker-compose-"+strings.SplitN(composeModule, "@", 2)[1])
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// One build at a time across test processes.
	lock, err := os.OpenFile(bin+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", composeModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", composeModule, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s: %v %s", composeModule, err, mod.Error)
	}
	src := t.TempDir()
	if out, err := exec.CommandContext(ctx, "cp", "-r", mod.Dir+"/.", src).CombinedOutput(); err != nil {
		t.Fatalf("copy compose sources: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(ctx, "chmod", "-R", "u+w", src).CombinedOutput(); err != nil {
		t.Fatalf("chmod compose sources: %v\n%s", err, out)
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+".tmp", "./cmd")
	build.Dir = src
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build docker compose: %v\n%s", err, out)
	}
	if err := os.Rename(bin+".tmp", bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

// project runs one compose project against a daemon, as `docker compose`:
// the binary is installed as a CLI plugin in a DOCKER_CONFIG of the test's
// own, so the user's ~/.docker is left alone.
type project struct {
	t      testing.TB
	config string // DOCKER_CONFIG with cli-plugins/docker-compose
	host   string
	name   string
	dir    string
	env    []string
}

func newProject(t testing.TB, host, name string, env ...string) *project {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "compose"))
	if err != nil {
		t.Fatal(err)
	}
	config := t.TempDir()
	if err := os.MkdirAll(filepath.Join(config, "cli-plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(composeBinary(t), filepath.Join(config, "cli-plugins", "docker-compose")); err != nil {
		t.Fatal(err)
	}
	return &project{t: t, config: config, host: host, name: name, dir: dir, env: env}
}

// run runs `docker compose -p NAME ARGS...` and returns its result.
func (p *project) run(args ...string) harness.Result {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append([]string{"compose", "-p", p.name, "--project-directory", p.dir}, args...)...)
	cmd.Dir = p.dir
	cmd.Env = append(append(os.Environ(), "DOCKER_HOST="+p.host, "DOCKER_CONFIG="+p.config, "DOCKER_CONTEXT=",
		"DOCKER_CLI_HINTS=false", "COMPOSE_MENU=false", "COMPOSE_STATUS_STDOUT=0"), p.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		p.t.Fatalf("docker compose %s: %v", strings.Join(args, " "), err)
	}
	return harness.Result{Stdout: out.String(), Stderr: errb.String(), ExitCode: code}
}

// must is run that fails the test on a non-zero exit.
func (p *project) must(args ...string) string {
	p.t.Helper()
	r := p.run(args...)
	if r.ExitCode != 0 {
		p.t.Fatalf("docker compose %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.ExitCode, r.Stdout, r.Stderr)
	}
	return r.Stdout
}

// TestCompose is acceptance 1 of issue 3: the three-service project
// through up -d, ps, logs, exec, run --rm, restart, stop and down -v.
func TestCompose(t *testing.T) {
	host := start(t)
	p := newProject(t, host, "accept")
	p.must("up", "-d")

	// ps: db and web run, db is healthy; the job ran once and exited 0.
	ps := p.must("ps", "-a", "--format", "{{.Service}}|{{.State}}|{{.Health}}|{{.ExitCode}}")
	want := map[string]string{"db": "running|healthy|0", "web": "running||0", "job": "exited||0"}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(ps), "\n") {
		if svc, rest, ok := strings.Cut(line, "|"); ok {
			got[svc] = rest
		}
	}
	for svc, w := range want {
		if got[svc] != w {
			t.Errorf("compose ps: %s is %q, want %q\n%s", svc, got[svc], w, ps)
		}
	}

	// The one-shot job read the file db wrote to the shared volume, with
	// the value of db's env file; web got its env file too.
	if logs := p.must("logs", "--no-log-prefix", "job"); strings.TrimSpace(logs) != "ready-main" {
		t.Errorf("compose logs job = %q, want ready-main", logs)
	}
	if logs := p.must("logs", "--no-log-prefix", "web"); !strings.Contains(logs, "web hello from env file") {
		t.Errorf("compose logs web = %q", logs)
	}

	// Service names and aliases of the running containers resolve
	// through /etc/hosts; the exited job does not, as with dockerd's DNS.
	hosts := p.must("exec", "-T", "web", "cat", "/etc/hosts")
	for _, name := range []string{"db", "web", "frontend", "accept-db-1"} {
		if !hostsHas(hosts, name) {
			t.Errorf("web's /etc/hosts does not name %s:\n%s", name, hosts)
		}
	}
	if hostsHas(hosts, "job") {
		t.Errorf("web's /etc/hosts names the exited job:\n%s", hosts)
	}
	if out := p.must("exec", "-T", "db", "sh", "-c", "grep -w frontend /etc/hosts | cut -f1"); !strings.HasPrefix(out, "172.") {
		t.Errorf("db resolves web's alias to %q", out)
	}

	if out := p.must("run", "--rm", "job"); strings.TrimSpace(out) != "ready-main" {
		t.Errorf("compose run --rm job = %q", out)
	}
	if out := harness.MustDocker(t, host, "ps", "-a", "-q", "--filter", "label=com.docker.compose.oneoff=True"); strings.TrimSpace(out) != "" {
		t.Errorf("run --rm left its container: %q", out)
	}

	p.must("restart", "web")
	if st := inspectState(t, host, "accept-web-1"); st != "running" {
		t.Errorf("web after restart: %s", st)
	}
	p.must("stop")
	for _, c := range []string{"accept-db-1", "accept-web-1"} {
		if st := inspectState(t, host, c); st != "exited" {
			t.Errorf("%s after stop: %s", c, st)
		}
	}

	p.must("down", "-v")
	if out := harness.MustDocker(t, host, "ps", "-a", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("containers left after down: %q", out)
	}
	if out := harness.MustDocker(t, host, "volume", "ls", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("volumes left after down -v: %q", out)
	}
	if out := harness.MustDocker(t, host, "network", "ls", "--filter", "type=custom", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("networks left after down: %q", out)
	}
}

// hostsHas reports whether an /etc/hosts content names name.
func hostsHas(hosts, name string) bool {
	for _, line := range strings.Split(hosts, "\n") {
		fields := strings.Fields(line)
		for _, f := range fields[min(1, len(fields)):] {
			if f == name {
				return true
			}
		}
	}
	return false
}

// TestComposePerformance times `docker compose up -d` of the acceptance
// project until every service is settled (db healthy, web running, the
// job exited) on Sockerless and on dockerd in the same run, alternating
// three rounds each, and logs the medians for docs/PERFORMANCE.md. It
// runs when SOCKERLESS_DIFFERENTIAL is set, as the other tests that start
// a dockerd.
func TestComposePerformance(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with dockerd")
	}
	sl := start(t)
	dd := harness.StartDockerd(t)
	harness.ImportBusybox(t, dd.Host, img)
	engines := []struct {
		name, host string
		times      []time.Duration
	}{{"sockerless", sl, nil}, {"dockerd", dd.Host, nil}}
	const rounds = 3
	for round := range rounds {
		for i := range engines {
			e := &engines[i]
			p := newProject(t, e.host, "perf")
			t0 := time.Now()
			p.must("up", "-d")
			waitSettled(t, e.host, "perf")
			e.times = append(e.times, time.Since(t0))
			p.must("down", "-v", "-t", "1")
			t.Logf("round %d %s: %v", round, e.name, e.times[len(e.times)-1])
		}
	}
	for _, e := range engines {
		slices.Sort(e.times)
		t.Logf("compose up -d to healthy, %s: median %v (min %v, max %v)", e.name, e.times[rounds/2], e.times[0], e.times[rounds-1])
	}
}

// waitSettled waits until project's db is healthy, web runs and the job
// has exited.
func waitSettled(t *testing.T, host, project string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		out := harness.MustDocker(t, host, "ps", "-a", "--filter", "label=com.docker.compose.project="+project,
			"--format", "{{.Label \"com.docker.compose.service\"}}={{.State}}/{{.Status}}")
		st := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				st[k] = v
			}
		}
		if strings.Contains(st["db"], "(healthy)") && strings.HasPrefix(st["web"], "running") && strings.HasPrefix(st["job"], "exited") {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("project %s did not settle", project)
}
