package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// TranslateError turns a registry error into dockerd's message and class
// (distribution/errors.go): access denied, unknown manifests and unknown
// repositories are 404s; anything else, such as an unreachable registry,
// keeps its cause and is a 500.
func TranslateError(err error, ref reference.Named) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var terr *transport.Error
	if !errors.As(err, &terr) {
		return lastAttempt(err)
	}
	if len(terr.Errors) == 0 {
		if terr.StatusCode == 401 || terr.StatusCode == 403 {
			return errdefs.ErrNotFound.WithMessage(fmt.Sprintf(
				"pull access denied for %s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
				reference.FamiliarName(ref)))
		}
		return fmt.Errorf("%w", err)
	}
	d := terr.Errors[0]
	cause := strings.ToLower(strings.ReplaceAll(string(d.Code), "_", " ")) + ": " + d.Message
	switch d.Code {
	case transport.DeniedErrorCode, transport.UnauthorizedErrorCode:
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf(
			"pull access denied for %s, repository does not exist or may require 'docker login': %s", reference.FamiliarName(ref), cause))
	case transport.ManifestUnknownErrorCode:
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("manifest for %s not found: %s", reference.FamiliarString(ref), cause))
	case transport.NameUnknownErrorCode:
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("repository %s not found: %s", reference.FamiliarName(ref), cause))
	}
	return fmt.Errorf("%w", err)
}

// TranslatePushError turns a registry error of a push into dockerd's
// "<code>: <message>" form ("denied: requested access to the resource is
// denied", "unauthorized: authentication required").
func TranslatePushError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var terr *transport.Error
	if !errors.As(err, &terr) {
		return fmt.Errorf("%w", err)
	}
	if len(terr.Errors) == 0 {
		if terr.StatusCode == 401 {
			return errdefs.ErrUnauthenticated.WithMessage("unauthorized: authentication required")
		}
		return fmt.Errorf("%w", err)
	}
	d := terr.Errors[0]
	msg := strings.ToLower(strings.ReplaceAll(string(d.Code), "_", " ")) + ": " + d.Message
	switch d.Code {
	case transport.UnauthorizedErrorCode:
		return errdefs.ErrUnauthenticated.WithMessage(msg)
	case transport.DeniedErrorCode:
		return errdefs.ErrPermissionDenied.WithMessage(msg)
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// plainAttempt is an error whose message is only the plain-HTTP attempt's.
type plainAttempt struct {
	msg string
	err error
}

func (e plainAttempt) Error() string { return e.msg }
func (e plainAttempt) Unwrap() error { return e.err }

// lastAttempt reports, for a registry tried over HTTPS and then plain
// HTTP (an insecure registry) that answered neither, only the last
// attempt, as dockerd does: `Get "http://127.0.0.1:5999/v2/": dial tcp
// ...: connection refused`. go-containerregistry joins both attempts.
func lastAttempt(err error) error {
	msg := err.Error()
	i := strings.Index(msg, `Get "https://`)
	j := strings.Index(msg, `; Get "http://`)
	if i < 0 || j < i {
		return fmt.Errorf("%w", err)
	}
	return plainAttempt{msg: msg[:i] + msg[j+2:], err: err}
}
