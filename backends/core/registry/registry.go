// Package registry connects the Sockerless image store to OCI and Docker
// v2 registries (https://distribution.github.io/distribution/spec/api/)
// through go-containerregistry: credentials from Docker's X-Registry-Auth
// header or the daemon user's ~/.docker/config.json, plain-HTTP
// ("insecure") registries, Docker Hub mirrors, and the translation of
// registry errors into dockerd's messages.
package registry

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/url"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	registrytypes "github.com/moby/moby/api/types/registry"
)

// DecodeAuth decodes the X-Registry-Auth header: base64url of the JSON
// registry.AuthConfig. Like dockerd for pulls, a missing or malformed header
// means no credentials rather than an error.
func DecodeAuth(header string) registrytypes.AuthConfig {
	var cfg registrytypes.AuthConfig
	if header == "" {
		return cfg
	}
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding} {
		if raw, err := enc.DecodeString(strings.TrimSpace(header)); err == nil && json.Unmarshal(raw, &cfg) == nil {
			return cfg
		}
	}
	return registrytypes.AuthConfig{}
}

// Keychain returns the credentials to use: those of the request when it
// carries any, else the docker configuration of the daemon's user.
func Keychain(auth registrytypes.AuthConfig) authn.Keychain {
	if auth.Username == "" && auth.Password == "" && auth.Auth == "" && auth.IdentityToken == "" && auth.RegistryToken == "" {
		return authn.DefaultKeychain
	}
	return staticKeychain{authn.FromConfig(authn.AuthConfig{
		Username: auth.Username, Password: auth.Password, Auth: auth.Auth,
		IdentityToken: auth.IdentityToken, RegistryToken: auth.RegistryToken,
	})}
}

type staticKeychain struct{ a authn.Authenticator }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) { return k.a, nil }

// Endpoints lists where to fetch ref from, in order: the mirrors first for
// Docker Hub images (as dockerd's registry-mirrors), then the registry
// itself. insecure lists registries ("host:port", "host" or CIDR) reached
// over plain HTTP; loopback and localhost always are.
func Endpoints(ref reference.Named, mirrors, insecure []string) ([]name.Reference, error) {
	var out []name.Reference
	domain, path := reference.Domain(ref), reference.Path(ref)
	suffix := ""
	switch r := ref.(type) {
	case reference.Canonical:
		suffix = "@" + r.Digest().String()
	case reference.NamedTagged:
		suffix = ":" + r.Tag()
	default:
		suffix = ":latest"
	}
	if domain == "docker.io" {
		for _, m := range mirrors {
			host, plain := mirrorHost(m)
			opts := []name.Option{name.StrictValidation}
			if plain || isInsecure(host, insecure) {
				opts = append(opts, name.Insecure)
			}
			r, err := name.ParseReference(host+"/"+path+suffix, opts...)
			if err != nil {
				return nil, errdefs.ErrInvalidArgument.WithMessage("invalid registry mirror " + m + ": " + err.Error())
			}
			out = append(out, r)
		}
	}
	opts := []name.Option{name.StrictValidation}
	if isInsecure(domain, insecure) {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(domain+"/"+path+suffix, opts...)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	return append(out, r), nil
}

// mirrorHost returns the host of a mirror ("https://m.example/" or
// "m.example:5000") and whether it is plain HTTP.
func mirrorHost(m string) (string, bool) {
	if u, err := url.Parse(m); err == nil && u.Host != "" {
		return u.Host, u.Scheme == "http"
	}
	return strings.TrimSuffix(m, "/"), false
}

// isInsecure reports whether host is in list, by name or by CIDR.
func isInsecure(host string, list []string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	ip := net.ParseIP(h)
	if h == "localhost" || (ip != nil && ip.IsLoopback()) {
		return true
	}
	for _, e := range list {
		if e == host || e == h {
			return true
		}
		if _, cidr, err := net.ParseCIDR(e); err == nil && ip != nil && cidr.Contains(ip) {
			return true
		}
	}
	return false
}
