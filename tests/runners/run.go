package runners

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Result is one runner run.
type Result struct {
	// Exit is the runner's exit status.
	Exit int
	// Seconds is the runner's wall time.
	Seconds float64
	// Output is the job output: what the jobs' processes printed, one
	// element per line, without the runner's prefixes.
	Output []string
	// Log is everything the runner printed.
	Log string
}

// Project is a temporary repository that a runner checks out: the runner's
// configuration file, the files under extra, and a git commit of it all.
type Project struct {
	// Dir is the repository's directory, where the runner starts.
	Dir string
}

// NewProject makes a git repository in a new temporary directory with
// files (path → content); each "@NAME@" in a file is replaced by vars[NAME].
func NewProject(t testing.TB, files map[string][]byte, vars map[string]string) *Project {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		for k, v := range vars {
			data = bytes.ReplaceAll(data, []byte("@"+k+"@"), []byte(v))
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"config", "user.name", "sockerless"},
		{"config", "user.email", "tests@sockerless.invalid"},
		{"remote", "add", "origin", "https://gitlab.sockerless.invalid/sockerless/tests.git"},
		{"commit", "-q", "-m", "test project"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return &Project{Dir: dir}
}

// ReadTree returns the files below dir (path relative to dir → content).
func ReadTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// runTool runs a runner binary in dir with env added to the environment,
// and splits its job output from its log with jobLine.
func runTool(ctx context.Context, dir string, env []string, jobLine func(string) (string, bool), name string, args ...string) (Result, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := Result{Seconds: time.Since(start).Seconds(), Log: out.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Exit = ee.ExitCode()
	case err != nil:
		return r, err
	}
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	for _, l := range strings.Split(r.Log, "\n") {
		if s, ok := jobLine(l); ok {
			r.Output = append(r.Output, s)
		}
	}
	return r, nil
}
