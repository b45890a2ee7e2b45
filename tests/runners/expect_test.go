package runners

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var expectTests = []struct {
	name, src string
	isErr     bool
	exit      int
	output    []string
	log       string
	bad       int // failed expectations against exit/output/log
}{
	{"want met", "# want: RESULT=42\n", false, 0, []string{"RESULT=42"}, "", 0},
	{"want missed", "# want: RESULT=42\n", false, 0, []string{"RESULT=41"}, "", 1},
	{"exit and log", "# want: A\n# exit: 1\n# log: Failure - Main x\n", false, 1, []string{"A"}, "❌  Failure - Main x", 0},
	{"wrong exit", "# want: A\n# exit: 1\n", false, 0, []string{"A"}, "", 1},
	{"absent", "# want: A\n# absent: B\n", false, 0, []string{"A", "xBx"}, "", 1},
	{"lines", "# lines: L0 2\n", false, 0, []string{"L01", "L02", "END"}, "", 0},
	{"lines wrong", "# lines: L0 3\n", false, 0, []string{"L01", "L02"}, "", 1},
	{"no assertion", "# log: x\n", true, 0, nil, "", 0},
	{"bad lines", "# want: a\n# lines: nonumber\n", true, 0, nil, "", 0},
	{"bad exit", "# want: a\n# exit: one\n", true, 0, nil, "", 0},
	{"bad file", "# want: a\n# file: onlyname\n", true, 0, nil, "", 0},
	{"not a directive", "#want: a\n# want: b\n", false, 0, []string{"b"}, "", 0},
}

func TestExpect(t *testing.T) {
	for _, tc := range expectTests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := parseExpect(strings.NewReader(tc.src), tc.name)
			if (err != nil) != tc.isErr {
				t.Fatalf("parse: %v", err)
			}
			if err != nil {
				return
			}
			if bad := e.Check(tc.exit, 1, tc.output, tc.log, t.TempDir()); len(bad) != tc.bad {
				t.Errorf("Check = %q, want %d failures", bad, tc.bad)
			}
		})
	}
}

func TestExpectFileAndBackends(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out.txt"), []byte("written by job 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := parseExpect(strings.NewReader("# want: x\n# file: out.txt written by job 7\n# backends: memory ecs\n# max-seconds: 5\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	if bad := e.Check(0, 1, []string{"x"}, "", dir); len(bad) != 0 {
		t.Errorf("Check = %q", bad)
	}
	if bad := e.Check(0, 6, []string{"x"}, "", t.TempDir()); len(bad) != 2 {
		t.Errorf("missing file and too slow: Check = %q", bad)
	}
	if !e.RunsOn("ecs") || e.RunsOn("dockerd") {
		t.Errorf("RunsOn: backends %q", e.Backends)
	}
}

// FuzzExpect checks that any comment block parses or fails cleanly, and
// that a parsed expectation always asserts some job output.
func FuzzExpect(f *testing.F) {
	for _, tc := range expectTests {
		f.Add(tc.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parseExpect(strings.NewReader(src), "fuzz")
		if err == nil && len(e.Want)+len(e.Lines) == 0 {
			t.Fatalf("%q parsed without a want or lines directive", src)
		}
	})
}

// TestWorkflowFiles checks that every workflow and pipeline in the
// repository has parseable expectations.
func TestWorkflowFiles(t *testing.T) {
	for _, cs := range [][]Case{Workflows(t), Pipelines(t)} {
		for _, c := range cs {
			if _, err := parseExpect(strings.NewReader(string(c.Files[c.Config])), c.Name); err != nil {
				t.Error(err)
			}
		}
	}
}
