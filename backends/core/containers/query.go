package containers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
)

// boolValue reads a boolean query parameter as dockerd's httputils.BoolValue.
func boolValue(r *http.Request, k string) bool {
	s := strings.ToLower(strings.TrimSpace(r.URL.Query().Get(k)))
	return !(s == "" || s == "0" || s == "no" || s == "false" || s == "none")
}

// boolValueOrDefault is boolValue with a default for an absent parameter.
func boolValueOrDefault(r *http.Request, k string, def bool) bool {
	if !r.URL.Query().Has(k) {
		return def
	}
	return boolValue(r, k)
}

// intValue reads an optional integer query parameter.
func intValue(r *http.Request, k string) (*int, error) {
	s := r.URL.Query().Get(k)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid value for %s: %q: %v", k, s, err))
	}
	return &n, nil
}
