// Package differential runs one scenario against a real dockerd (Debian's
// docker.io) and against Sockerless, and compares what a client can see:
// the key sets of inspect bodies, status codes and messages, and the framing
// of streams. Every difference must be listed in docs/COMPATIBILITY.md; the
// list is expected to shrink over time.
//
// The test runs when SOCKERLESS_DIFFERENTIAL=1 (CI sets it through .ci/run)
// and installs docker.io when it is missing.
package differential

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

const img = "busybox:diff"

// observation is what one daemon showed for one step of the scenario.
type observation struct {
	Status int
	Keys   []string // flattened JSON key paths, for bodies compared by shape
	Text   string   // message or framing, for bodies compared by value
}

func TestDifferential(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with a real dockerd (CI does)")
	}
	if testing.Short() {
		t.Skip("differential test needs dockerd: not run under -short")
	}
	ref := harness.StartDockerd(t)
	sl := harness.StartSockerless(t, "memory")
	want := scenario(t, "dockerd", ref.Host)
	got := scenario(t, "sockerless", sl.Host)

	var diffs []string
	for _, step := range stepNames(want) {
		diffs = append(diffs, compare(step, want[step], got[step])...)
	}
	doc, err := os.ReadFile(filepath.Join(harness.Root(t), "docs", "COMPATIBILITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	var unlisted []string
	for _, d := range diffs {
		t.Log("difference: " + d)
		if !strings.Contains(string(doc), "`"+d+"`") {
			unlisted = append(unlisted, d)
		}
	}
	if len(unlisted) > 0 {
		t.Errorf("%d differences from dockerd are not listed in docs/COMPATIBILITY.md "+
			"(list each as a bullet with the text in backquotes, with its reason):\n- `%s`",
			len(unlisted), strings.Join(unlisted, "`\n- `"))
	}
}

func stepNames(m map[string]observation) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// compare lists what differs between dockerd's observation and ours.
func compare(step string, want, got observation) []string {
	var out []string
	if want.Status != got.Status {
		out = append(out, fmt.Sprintf("%s: status %d, dockerd %d", step, got.Status, want.Status))
	}
	if want.Text != got.Text {
		out = append(out, fmt.Sprintf("%s: %q, dockerd %q", step, got.Text, want.Text))
	}
	have := map[string]bool{}
	for _, k := range got.Keys {
		have[k] = true
	}
	ref := map[string]bool{}
	for _, k := range want.Keys {
		ref[k] = true
		if !have[k] {
			out = append(out, fmt.Sprintf("%s: key %s missing", step, k))
		}
	}
	for _, k := range got.Keys {
		if !ref[k] {
			out = append(out, fmt.Sprintf("%s: key %s extra", step, k))
		}
	}
	return out
}
