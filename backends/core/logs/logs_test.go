package logs

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sockerless/sockerless/api/driver"
)

func collect(t *testing.T, path string, opts driver.LogOptions, live *Writer) string {
	t.Helper()
	var b strings.Builder
	err := Read(t.Context(), path, opts, live, func(e driver.LogEntry) error {
		b.WriteString(e.Stream[:3] + ":" + string(e.Data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReadOptions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.log")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	i := 0
	w.now = func() time.Time { i++; return base.Add(time.Duration(i) * time.Second) }
	out, errw := NewLineWriter(w, "stdout"), NewLineWriter(w, "stderr")
	out.Write([]byte("one\ntw"))
	out.Write([]byte("o\n"))
	errw.Write([]byte("three\n"))
	out.Write([]byte("four"))
	out.Flush()
	w.Close()
	tests := []struct {
		name string
		opts driver.LogOptions
		want string
	}{
		{"all", driver.LogOptions{Tail: -1}, "std:one\nstd:two\nstd:three\nstd:four"},
		{"tail 2", driver.LogOptions{Tail: 2}, "std:three\nstd:four"},
		{"tail 0", driver.LogOptions{Tail: 0}, ""},
		{"since", driver.LogOptions{Tail: -1, Since: base.Add(3 * time.Second)}, "std:three\nstd:four"},
		{"until", driver.LogOptions{Tail: -1, Until: base.Add(2 * time.Second)}, "std:one\nstd:two\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, collect(t, path, tc.opts, nil)); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestFollow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.log")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 10)
	done := make(chan error, 1)
	go func() {
		done <- Read(context.Background(), path, driver.LogOptions{Tail: -1, Follow: true}, w, func(e driver.LogEntry) error {
			got <- string(e.Data)
			return nil
		})
	}()
	w.Write("stdout", []byte("a\n"))
	if s := <-got; s != "a\n" {
		t.Fatalf("got %q", s)
	}
	w.Write("stdout", []byte("b\n"))
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "b\n" {
		t.Fatalf("got %q", s)
	}
}
