package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oddArgs are command lines no applet may panic or hang on.
var oddArgs = [][]string{
	{}, {"-"}, {"--"}, {"-z"}, {"x"}, {""}, {"."}, {"-n", "-1"}, {"-c", "0"}, {"0"},
	{"a.txt", "a.txt"}, {"-1"}, {"+1"}, {"nope"}, {"-e"}, {"-f"}, {"d"}, {"-r", "d"},
	{"--help", "x"}, {"-w", "0"}, {"\\"}, {"[", "]"}, {"-k", "0"}, {"-t", ""}, {"%"},
	{"-c"}, {"-n", "abc"}, {"-k", "1.0,0"}, {"-F", ""}, {"s/a/b/", "a.txt"}, {"-d", "", "-f", "1"},
	{"-b", "0-"}, {"-c", "-"}, {"-s", "-1", "a.txt"}, {"-N", "-1", "a.txt"}, {"-j", "99", "a.txt"},
	{"%*s", "-5"}, {"%.*d", "x"}, {"(", ")"}, {"!", "!", "!"}, {"1", "+", "(", "2"},
	{"-e", "[", "a.txt"}, {"-E", "(", "a.txt"}, {"y/a/", "a.txt"}, {"0,5p", "a.txt"}, {"$!N;D"},
	{"-v", "=x", "BEGIN{}"}, {"{print $-1}", "a.txt"}, {"-maxdepth", "-1"}, {"-size", "x"},
	{"-u", "-t", "::"}, {"-w", "-1"}, {"-L", "-s", "."},
}

// TestAppletsNoPanic runs every applet on odd command lines.
func TestAppletsNoPanic(t *testing.T) {
	skip := map[string]bool{"yes": true, "sleep": true, "usleep": true}
	for name := range table() {
		if skip[name] {
			continue
		}
		for _, args := range oddArgs {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a b\nc\n"), 0o644)
			os.Mkdir(filepath.Join(dir, "d"), 0o755)
			argv := append([]string{name}, args...)
			done := make(chan any, 1)
			go func() {
				defer func() { done <- recover() }()
				var out, errb bytes.Buffer
				runIn(dir, argv, "in\n", &out, &errb)
			}()
			select {
			case p := <-done:
				if p != nil {
					t.Errorf("%q panicked: %v", strings.Join(argv, " "), p)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%q hangs", strings.Join(argv, " "))
			}
		}
	}
}
