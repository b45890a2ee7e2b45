// Package httpx holds the HTTP plumbing shared by the Sockerless daemons
// that serve the Docker Engine API (https://docs.docker.com/reference/api/engine/):
// error-to-status mapping (the only place it happens), JSON encoding and
// bounded decoding, API version prefixes and connection hijacking.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errhttp"
	"github.com/moby/moby/api/types/common"
	"github.com/rs/zerolog"
)

// MaxJSONBody bounds request bodies decoded as JSON. dockerd has no explicit
// limit, but no legitimate create or update request comes near it.
const MaxJSONBody = 8 << 20

// HandlerFunc is an http.HandlerFunc that reports failure as an error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// API adapts fn to an http.Handler that writes fn's error with [WriteError].
func API(fn HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			WriteError(w, r, err)
		}
	})
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// Status maps err to the HTTP status Docker answers with.
func Status(err error) int {
	var he *http.MaxBytesError
	if errors.As(err, &he) {
		return http.StatusRequestEntityTooLarge
	}
	return errhttp.ToHTTP(err)
}

// WriteError writes err as Docker does: the status of its errdefs class and
// {"message": ...}. 304 is written without a body. 5xx are logged here, once.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status >= 500 {
		zerolog.Ctx(r.Context()).Error().Err(err).Int("status", status).
			Str("method", r.Method).Str("path", r.URL.Path).Msg("request failed")
	}
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	_ = WriteJSON(w, status, common.ErrorResponse{Message: err.Error()})
}

// DecodeJSON decodes the request body into v. An empty body leaves v
// untouched when allowEmpty is set. Malformed JSON, wrong types and bodies
// over [MaxJSONBody] are invalid arguments (400), as with dockerd.
func DecodeJSON(r *http.Request, v any, allowEmpty bool) error {
	// moby's client declares text/plain on a POST without a body.
	if r.ContentLength != 0 {
		if err := checkJSONType(r.Header.Get("Content-Type")); err != nil {
			return err
		}
	}
	body := http.MaxBytesReader(nil, r.Body, MaxJSONBody)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			if allowEmpty {
				return nil
			}
			return errdefs.ErrInvalidArgument.WithMessage("invalid JSON: empty request body")
		}
		var he *http.MaxBytesError
		if errors.As(err, &he) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("request body too large: over %d bytes", he.Limit))
		}
		return errdefs.ErrInvalidArgument.WithMessage("invalid JSON: " + err.Error())
	}
	return nil
}

// checkJSONType refuses a body declared as something other than JSON, as
// moby's httputils.CheckForJSON. No Content-Type at all is accepted, as
// older dockerd did (curl and some SDKs send none).
func checkJSONType(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("malformed Content-Type header (%s): %v", ct, err))
	}
	if mt != "application/json" {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unsupported Content-Type header (%s): must be 'application/json'", ct))
	}
	return nil
}

// NotFound answers every path no route claims, as moby's router does.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, r, errdefs.ErrNotFound.WithMessage("page not found"))
}
