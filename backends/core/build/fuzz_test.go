package build

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

// FuzzDockerfile checks that any Dockerfile parses to stages or a clear
// error, never a panic, and that the step count is consistent.
func FuzzDockerfile(f *testing.F) {
	for _, s := range []string{allInstructions, "FROM a\n", "ARG X=1\nFROM $X AS b\nRUN echo\n", "# escape=`\nFROM a\nRUN a `\n b\n",
		"FROM a\nCOPY --from=0 --chown=1:2 x y\n", "FROM a\nHEALTHCHECK NONE\n", "FROM a\nONBUILD ONBUILD RUN x\n", "RUN x\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, df string) {
		stages, _, _, err := parseDockerfile([]byte(df))
		if err == nil && len(stages) == 0 {
			t.Fatal("no error and no stages")
		}
	})
}

// TestContextDotEntry unpacks a context whose first entry is "./", as
// `tar -C dir -c .` writes it (act builds local Docker actions so).
func TestContextDotEntry(t *testing.T) {
	data := imagestoretest.Tar(t, imagestoretest.Entry{Name: "./", Type: '5'},
		imagestoretest.Entry{Name: "./Dockerfile", Body: "FROM a"})
	bc, err := extractContext(t.Context(), t.TempDir(), bytes.NewReader(data), "Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer bc.close()
	if b, err := os.ReadFile(filepath.Join(bc.dir, "Dockerfile")); err != nil || string(b) != "FROM a" {
		t.Errorf("Dockerfile = %q, %v", b, err)
	}
}

// FuzzContext checks that a context tar, with any .dockerignore, unpacks
// inside its directory or fails cleanly: nothing is written outside.
func FuzzContext(f *testing.F) {
	f.Add(imagestoretest.Tar(f, imagestoretest.Entry{Name: "Dockerfile", Body: "FROM a"},
		imagestoretest.Entry{Name: ".dockerignore", Body: "*.txt\n!keep.txt\n"},
		imagestoretest.Entry{Name: "a.txt"}, imagestoretest.Entry{Name: "keep.txt"}), "Dockerfile")
	f.Add(imagestoretest.Tar(f, imagestoretest.Entry{Name: "../../escape", Body: "x"},
		imagestoretest.Entry{Name: "link", Type: '2', Linkname: "/etc"}, imagestoretest.Entry{Name: "link/passwd", Body: "x"}), "../Dockerfile")
	f.Add(imagestoretest.Tar(f, imagestoretest.Entry{Name: "d/", Type: '5'}, imagestoretest.Entry{Name: ".dockerignore", Body: "[\n"}), "")
	f.Add(imagestoretest.Tar(f, imagestoretest.Entry{Name: "./", Type: '5'}, imagestoretest.Entry{Name: "./Dockerfile", Body: "FROM a"}), "Dockerfile")
	f.Fuzz(func(t *testing.T, data []byte, dockerfile string) {
		parent := t.TempDir()
		bc, err := extractContext(context.Background(), parent, bytes.NewReader(data), dockerfile)
		if err != nil {
			return
		}
		defer bc.close()
		entries, err := os.ReadDir(parent)
		if err != nil || len(entries) != 1 {
			t.Fatalf("extraction wrote beside its directory: %v %v", entries, err)
		}
		filepath.WalkDir(parent, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !strings.HasPrefix(p, bc.dir) && p != parent {
				t.Fatalf("%s is outside %s", p, bc.dir)
			}
			return nil
		})
	})
}
