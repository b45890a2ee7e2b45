package registry

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	registrytypes "github.com/moby/moby/api/types/registry"
)

func TestDecodeAuth(t *testing.T) {
	js := `{"username":"me","password":"pw","serveraddress":"r.example"}`
	want := registrytypes.AuthConfig{Username: "me", Password: "pw", ServerAddress: "r.example"}
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding} {
		if got := DecodeAuth(enc.EncodeToString([]byte(js))); got != want {
			t.Errorf("DecodeAuth = %+v", got)
		}
	}
	for _, bad := range []string{"", "!!!", base64.URLEncoding.EncodeToString([]byte("[1]"))} {
		if got := DecodeAuth(bad); got != (registrytypes.AuthConfig{}) {
			t.Errorf("DecodeAuth(%q) = %+v", bad, got)
		}
	}
}

func FuzzDecodeAuth(f *testing.F) {
	f.Add(base64.URLEncoding.EncodeToString([]byte(`{"username":"me","password":"pw"}`)))
	f.Add("e30=")
	f.Fuzz(func(t *testing.T, h string) {
		_ = Keychain(DecodeAuth(h)) // never panics; bad headers are no credentials
	})
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		ref      string
		mirrors  []string
		insecure []string
		want     []string // name.Reference String + scheme
	}{
		{"alpine", nil, nil, []string{"https://docker.io/library/alpine:latest"}},
		{"alpine:3", []string{"https://mirror.example/", "http://10.0.0.1:5000"}, nil,
			[]string{"https://mirror.example/library/alpine:3", "http://10.0.0.1:5000/library/alpine:3", "https://docker.io/library/alpine:3"}},
		{"r.example:5000/x/y:1", []string{"https://mirror.example"}, nil, []string{"https://r.example:5000/x/y:1"}},
		{"r.example:5000/x/y:1", nil, []string{"r.example:5000"}, []string{"http://r.example:5000/x/y:1"}},
		{"10.1.2.3:5000/x:1", nil, []string{"10.0.0.0/8"}, []string{"http://10.1.2.3:5000/x:1"}},
		{"localhost:5000/x@sha256:0000000000000000000000000000000000000000000000000000000000000000", nil, nil,
			[]string{"http://localhost:5000/x@sha256:0000000000000000000000000000000000000000000000000000000000000000"}},
	}
	for _, tc := range tests {
		named, err := reference.ParseNormalizedNamed(tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := named.(reference.Canonical); !ok {
			named = reference.TagNameOnly(named)
		}
		eps, err := Endpoints(named, tc.mirrors, tc.insecure)
		if err != nil {
			t.Fatalf("%s: %v", tc.ref, err)
		}
		var got []string
		for _, ep := range eps {
			got = append(got, ep.Context().Registry.Scheme()+"://"+ep.String())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: %q, want %q", tc.ref, got, tc.want)
		}
	}
}

func TestTranslateError(t *testing.T) {
	ref, _ := reference.ParseNormalizedNamed("alpine:nope")
	tests := []struct {
		err  error
		is   func(error) bool
		want string
	}{
		{&transport.Error{Errors: []transport.Diagnostic{{Code: transport.ManifestUnknownErrorCode, Message: "manifest unknown"}}}, errdefs.IsNotFound,
			"manifest for alpine:nope not found: manifest unknown: manifest unknown"},
		{&transport.Error{Errors: []transport.Diagnostic{{Code: transport.DeniedErrorCode, Message: "requested access to the resource is denied"}}}, errdefs.IsNotFound,
			"pull access denied for alpine, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"},
		{&transport.Error{Errors: []transport.Diagnostic{{Code: transport.NameUnknownErrorCode, Message: "repository name not known to registry"}}}, errdefs.IsNotFound,
			"repository alpine not found: name unknown: repository name not known to registry"},
		{&transport.Error{StatusCode: 401}, errdefs.IsNotFound, "pull access denied for alpine"},
		{errors.New(`Get "https://r/v2/": dial tcp: connection refused`), func(err error) bool { return errdefs.IsUnknown(err) || !errdefs.IsNotFound(err) }, "connection refused"},
	}
	for _, tc := range tests {
		got := TranslateError(tc.err, ref)
		if !tc.is(got) || !strings.HasPrefix(got.Error(), tc.want) && !strings.Contains(got.Error(), tc.want) {
			t.Errorf("TranslateError(%v) = %v, want %q", tc.err, got, tc.want)
		}
	}
	// An insecure registry that answered neither HTTPS nor HTTP: only the
	// plain attempt is reported, as dockerd.
	both := fmt.Errorf("%w", errors.New(`Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused; `+
		`Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused`))
	want := `Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused`
	if got := TranslateError(both, ref); got.Error() != want || errdefs.IsNotFound(got) {
		t.Errorf("TranslateError(both attempts) = %v, want %s", got, want)
	}
	if got := TranslatePushError(&transport.Error{StatusCode: 401}); !errdefs.IsUnauthorized(got) || got.Error() != "unauthorized: authentication required" {
		t.Errorf("TranslatePushError(401) = %v", got)
	}
}
