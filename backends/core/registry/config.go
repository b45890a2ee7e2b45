package registry

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	registrytypes "github.com/moby/moby/api/types/registry"
)

// ValidateMirror checks a --registry-mirror value as dockerd's
// ValidateMirror: an http or https URL without path, query or user.
// It returns the mirror normalised with a trailing slash.
func ValidateMirror(v string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(v, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mirror: unsupported scheme %q in %q: must use either 'https://' or 'http://'", u.Scheme, v))
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid mirror: path, query, fragment or credentials are not allowed in %q", v))
	}
	return u.Scheme + "://" + u.Host + "/", nil
}

// ValidateInsecure checks an --insecure-registry value: "host[:port]" or
// a CIDR, without scheme, as dockerd's ValidateIndexName accepts it.
func ValidateInsecure(v string) (string, error) {
	if strings.Contains(v, "://") {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("insecure registry %s should not contain '://'", v))
	}
	if v == "" || strings.ContainsAny(v, "/ ") && !isCIDR(v) {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("insecure registry %q is not a host[:port] or a CIDR", v))
	}
	return v, nil
}

func isCIDR(v string) bool {
	_, err := netip.ParsePrefix(v)
	return err == nil
}

// ServiceConfig is /info's RegistryConfig as dockerd reports it: the
// insecure CIDRs (127.0.0.0/8 and ::1/128 always), the index configs
// (docker.io with the mirrors, secure; each insecure host name, insecure)
// and the mirrors.
func ServiceConfig(mirrors, insecure []string) *registrytypes.ServiceConfig {
	cfg := &registrytypes.ServiceConfig{
		InsecureRegistryCIDRs: []netip.Prefix{netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("127.0.0.0/8")},
		IndexConfigs: map[string]*registrytypes.IndexInfo{
			"docker.io": {Name: "docker.io", Mirrors: nonNil(mirrors), Secure: true, Official: true},
		},
		Mirrors: nonNil(mirrors),
	}
	for _, v := range insecure {
		if p, err := netip.ParsePrefix(v); err == nil {
			if !slices.Contains(cfg.InsecureRegistryCIDRs, p.Masked()) {
				cfg.InsecureRegistryCIDRs = append(cfg.InsecureRegistryCIDRs, p.Masked())
			}
			continue
		}
		cfg.IndexConfigs[v] = &registrytypes.IndexInfo{Name: v, Mirrors: []string{}, Secure: false}
	}
	return cfg
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
