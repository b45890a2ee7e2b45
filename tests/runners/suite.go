package runners

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// Case is one workflow or pipeline: the files of its project and the path
// of its configuration file in it.
type Case struct {
	// Name is the file's name without .yml; it names the subtest.
	Name string
	// Config is the path of the workflow or .gitlab-ci.yml in the project.
	Config string
	// Files are the project's files, path → content, before @NAME@
	// replacement.
	Files map[string][]byte
}

// Workflows returns the act cases of tests/workflows: each *.yml is one
// workflow, run in a project that also holds tests/workflows/actions as
// .github/actions and tests/workflows/repo as its other files.
func Workflows(t testing.TB) []Case {
	t.Helper()
	dir := filepath.Join(harness.Root(t), "tests", "workflows")
	shared := map[string][]byte{}
	for sub, to := range map[string]string{"actions": ".github/actions", "repo": ""} {
		if _, err := os.Stat(filepath.Join(dir, sub)); err == nil {
			for name, data := range ReadTree(t, filepath.Join(dir, sub)) {
				shared[strings.TrimPrefix(to+"/"+name, "/")] = data
			}
		}
	}
	return cases(t, dir, func(name string, data []byte) Case {
		files := map[string][]byte{".github/workflows/" + name: data}
		for k, v := range shared {
			files[k] = v
		}
		return Case{Name: strings.TrimSuffix(name, ".yml"), Config: ".github/workflows/" + name, Files: files}
	})
}

// Pipelines returns the gitlab-ci-local cases of tests/gitlab: each *.yml
// is one .gitlab-ci.yml.
func Pipelines(t testing.TB) []Case {
	t.Helper()
	return cases(t, filepath.Join(harness.Root(t), "tests", "gitlab"), func(name string, data []byte) Case {
		return Case{Name: strings.TrimSuffix(name, ".yml"), Config: ".gitlab-ci.yml",
			Files: map[string][]byte{".gitlab-ci.yml": data, "README.md": []byte("test project\n")}}
	})
}

func cases(t testing.TB, dir string, mk func(string, []byte) Case) []Case {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no *.yml in %s (%v)", dir, err)
	}
	sort.Strings(names)
	var cs []Case
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, mk(filepath.Base(n), data))
	}
	return cs
}

// Runner runs one project's configuration file.
type Runner func(ctx context.Context, p *Project, config string) (Result, error)

// RunCase runs c with run on backend and checks its expectations; it
// returns the run's wall time. The project's files see @HOSTDIR@ (a host
// directory the case may bind-mount, world-writable), @TOKEN@ (random per
// run), @RUNNER_IMAGE@, @SERVICE_IMAGE@ and @BASH_IMAGE@ (an image with a
// /bin/bash file).
func RunCase(t *testing.T, c Case, backend string, run Runner) time.Duration {
	t.Helper()
	hostDir := t.TempDir()
	if err := os.Chmod(hostDir, 0o777); err != nil {
		t.Fatal(err)
	}
	tok := make([]byte, 8)
	rand.Read(tok)
	token := hex.EncodeToString(tok)
	if err := os.WriteFile(filepath.Join(hostDir, "seed.txt"), []byte("seed "+token+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := NewProject(t, c.Files, map[string]string{"HOSTDIR": hostDir, "TOKEN": token,
		"RUNNER_IMAGE": RunnerImage, "SERVICE_IMAGE": ServiceImage, "BASH_IMAGE": HelperImage})
	exp, err := ReadExpect(filepath.Join(p.Dir, c.Config))
	if err != nil {
		t.Fatal(err)
	}
	if !exp.RunsOn(backend) {
		t.Skipf("%s lists backends %v", c.Name, exp.Backends)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	r, err := run(ctx, p, c.Config)
	if err != nil {
		t.Fatalf("%s: %v\n%s", c.Name, err, r.Log)
	}
	if bad := exp.Check(r.Exit, r.Seconds, r.Output, r.Log, hostDir); len(bad) > 0 {
		log := r.Log
		if len(log) > 20000 {
			log = log[:10000] + "\n[...]\n" + log[len(log)-10000:]
		}
		t.Errorf("%s on %s:\n  %s\nrunner log:\n%s", c.Name, backend, strings.Join(bad, "\n  "), log)
	}
	return time.Duration(r.Seconds * float64(time.Second))
}

// Parallel is how many runs go at once: the jobs mostly wait on the
// daemon, and CI has two cores.
const Parallel = 4

// SuiteTime is how long a suite took: its wall time, and the sum of its
// runs' own times (what it would take one run at a time).
type SuiteTime struct {
	Wall, Sum time.Duration
	Runs      int
}

// String formats st for a test log.
func (st SuiteTime) String() string {
	return fmt.Sprintf("%d runs in %.1fs (runs' own times sum to %.1fs)", st.Runs, st.Wall.Seconds(), st.Sum.Seconds())
}

// RunSuite runs cases with run on backend, at most cap(sem) at a time, as
// subtests of t named suite-backend/case, and returns the times.
func RunSuite(t *testing.T, suite string, cases []Case, backend string, sem chan struct{}, run Runner) SuiteTime {
	var mu sync.Mutex
	var st SuiteTime
	start := time.Now()
	t.Run(suite+"-"+backend, func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				d := RunCase(t, c, backend, run)
				t.Logf("%s: %.1fs", c.Name, d.Seconds())
				mu.Lock()
				st.Sum += d
				st.Runs++
				mu.Unlock()
			})
		}
	})
	st.Wall = time.Since(start)
	return st
}
