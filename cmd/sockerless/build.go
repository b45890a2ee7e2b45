package main

import "runtime/debug"

// Set at link time: -ldflags "-X main.version=1.2.3 -X main.commit=abc -X main.date=2026-01-02T03:04:05Z".
var (
	version string
	commit  string
	date    string
)

type buildInfo struct{ version, commit, date string }

// build reports the link-time values, falling back to what the Go
// toolchain stamped (module version, VCS revision and time).
func build() buildInfo {
	b := buildInfo{version, commit, date}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && b.commit == "":
				b.commit = s.Value[:min(12, len(s.Value))]
			case s.Key == "vcs.time" && b.date == "":
				b.date = s.Value
			}
		}
	}
	if b.version == "" {
		b.version = "dev"
	}
	if b.commit == "" {
		b.commit = "unknown"
	}
	if b.date == "" {
		b.date = "unknown"
	}
	return b
}
