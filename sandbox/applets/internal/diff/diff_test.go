package diff

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		a, b, want string
		code       int
	}{
		{"a\nb\nc\nd\n", "a\nB\nc\nd\ne\n", "--- x\n+++ y\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+e\n", 1},
		{"a\n", "a\n", "", 0},
		{"a\n", "a", "--- x\n+++ y\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n", 1},
		{"", "a\n", "--- x\n+++ y\n@@ -0,0 +1 @@\n+a\n", 1},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\nX\n4\n5\n6\n7\n8\nY\n10\n", "--- x\n+++ y\n@@ -1,10 +1,10 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n 10\n", 1},
	}
	for _, tc := range tests {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "x"), []byte(tc.a), 0o644)
		os.WriteFile(filepath.Join(dir, "y"), []byte(tc.b), 0o644)
		var out, errb bytes.Buffer
		code := Diff(&applet.Env{Args: []string{"diff", "x", "y"}, Stdout: &out, Stderr: &errb, Dir: dir})
		if out.String() != tc.want || code != tc.code {
			t.Errorf("diff %q %q = %q (%d), want %q (%d)", tc.a, tc.b, out.String(), code, tc.want, tc.code)
		}
	}
}
