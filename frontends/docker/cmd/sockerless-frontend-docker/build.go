package main

import (
	"runtime/debug"

	docker "github.com/sockerless/sockerless/frontends/docker"
)

// Set at link time: -ldflags "-X main.version=1.2.3 -X main.commit=abc -X main.date=2026-01-02T03:04:05Z".
var (
	version string
	commit  string
	date    string
)

// build reports the link-time values, falling back to what the Go
// toolchain stamped (module version, VCS revision and time).
func build() docker.Build {
	b := docker.Build{Version: version, Commit: commit, Date: date}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return withDefaults(b)
	}
	if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		b.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
			if len(b.Commit) > 12 {
				b.Commit = b.Commit[:12]
			}
		case s.Key == "vcs.time" && b.Date == "":
			b.Date = s.Value
		}
	}
	return withDefaults(b)
}

func withDefaults(b docker.Build) docker.Build {
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}
