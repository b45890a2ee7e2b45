package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitFlags(t *testing.T) {
	cfg, rest, err := splitFlags([]string{"--listen", "unix:///s", "--cluster", "ci", "--subnet=a", "--subnet", "b",
		"-endpoint-url", "http://127.0.0.1:4566", "--data-dir", "/d"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"--listen", "unix:///s", "--data-dir", "/d"}, rest); d != "" {
		t.Errorf("daemon flags (-want +got):\n%s", d)
	}
	if cfg.Cluster != "ci" || cfg.Endpoint != "http://127.0.0.1:4566" || len(cfg.Subnets) != 2 {
		t.Errorf("config %+v", cfg)
	}
	if _, _, err := splitFlags([]string{"--cluster"}); err == nil {
		t.Error("a flag without its value was accepted")
	}
}
