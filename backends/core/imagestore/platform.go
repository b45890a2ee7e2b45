package imagestore

import (
	"strings"

	"github.com/containerd/errdefs"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// isIndex reports whether mt is a manifest list or an OCI index.
func isIndex(mt string) bool {
	return mt == ocispec.MediaTypeImageIndex || mt == "application/vnd.docker.distribution.manifest.list.v2+json"
}

// Platform is an image platform (os, architecture, variant).
type Platform = ocispec.Platform

// ParsePlatform parses Docker's platform parameter "os[/arch[/variant]]".
// Empty is the zero platform (the daemon's default).
func ParsePlatform(s string) (ocispec.Platform, error) {
	if s == "" {
		return ocispec.Platform{}, nil
	}
	parts := strings.Split(strings.ToLower(s), "/")
	if len(parts) > 3 || parts[0] == "" {
		return ocispec.Platform{}, errdefs.ErrInvalidArgument.WithMessage("\"" + s + "\": unknown operating system or architecture: invalid argument")
	}
	p := ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = normalizeArch(parts[1])
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	if p.Architecture == "arm64" && p.Variant == "v8" {
		p.Variant = ""
	}
	return p, nil
}

func normalizeArch(a string) string {
	switch a {
	case "x86_64", "x86-64":
		return "amd64"
	case "aarch64":
		return "arm64"
	}
	return a
}

// pickPlatform returns the manifest of ms for want: same OS and
// architecture and, when want has one, the same variant.
func pickPlatform(ms []ocispec.Descriptor, want ocispec.Platform) (ocispec.Descriptor, bool) {
	for _, m := range ms {
		p := m.Platform
		if p == nil {
			continue
		}
		if p.OS == want.OS && p.Architecture == want.Architecture && (want.Variant == "" || p.Variant == want.Variant) {
			return m, true
		}
	}
	return ocispec.Descriptor{}, false
}
