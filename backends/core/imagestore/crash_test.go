package imagestore_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// TestCrashChild is the workload TestKill9 kills: imports, tags and
// deletes forever. It does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("IMAGESTORE_CRASH_DIR")
	if dir == "" {
		t.Skip("run by TestKill9")
	}
	s := open(t, dir, imagestore.Options{})
	for i := 0; ; i++ {
		img := importBusybox(t, s, fmt.Sprintf("crash:%d", i%5), fmt.Sprintf("CMD echo %d", i))
		if err := s.Tag(t.Context(), img.ID, fmt.Sprintf("other:%d", i%3)); err != nil {
			t.Fatal(err)
		}
		if i%4 == 3 {
			if _, err := s.Delete(t.Context(), img.ID, true, false); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestKill9 kills a process writing to the store at random moments and
// checks that the store always reopens consistent: every image unpacks,
// every tag resolves, no temporary file survives.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), "IMAGESTORE_CRASH_DIR="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+round*70) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		s := open(t, dir, imagestore.Options{})
		imgs := s.List(t.Context())
		for _, img := range imgs {
			for _, tag := range img.RepoTags {
				if got, err := s.Resolve(t.Context(), tag); err != nil || got.ID != img.ID {
					t.Fatalf("round %d: tag %s: %v", round, tag, err)
				}
			}
		}
		if len(imgs) > 0 {
			if err := s.Unpack(t.Context(), imgs[0].ID, filepath.Join(t.TempDir(), "r")); err != nil {
				t.Fatalf("round %d: unpack after crash: %v", round, err)
			}
		}
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
				t.Errorf("round %d: %s survived Open", round, p)
			}
			return nil
		})
		t.Logf("round %d: %d images", round, len(imgs))
	}
}
