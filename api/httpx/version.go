package httpx

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
)

// API versions: the newest this build speaks and the oldest it accepts.
const (
	MaxAPIVersion = "1.51"
	MinAPIVersion = "1.24"
)

type versionKey struct{}

// WithAPIVersion returns ctx carrying the client's API version.
func WithAPIVersion(ctx context.Context, v string) context.Context {
	return context.WithValue(ctx, versionKey{}, v)
}

// APIVersion is the API version of the request, MaxAPIVersion when the
// client sent no prefix.
func APIVersion(ctx context.Context) string {
	if v, ok := ctx.Value(versionKey{}).(string); ok && v != "" {
		return v
	}
	return MaxAPIVersion
}

// CompareVersions compares two dotted versions as Docker does: -1, 0, 1.
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// SplitVersion splits "/v1.47/containers/json" into "1.47" and
// "/containers/json". ok is false when the path has no version prefix.
func SplitVersion(path string) (version, rest string, ok bool) {
	if !strings.HasPrefix(path, "/v") {
		return "", path, false
	}
	seg, after, _ := strings.Cut(path[2:], "/")
	if seg == "" || strings.Trim(seg, "0123456789.") != "" || seg[0] == '.' {
		return "", path, false
	}
	return seg, "/" + after, true
}

// CheckVersion returns Docker's 400 for a version outside what we speak.
func CheckVersion(v string) error {
	if CompareVersions(v, MaxAPIVersion) > 0 {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
			"client version %s is too new. Maximum supported API version is %s", v, MaxAPIVersion))
	}
	if CompareVersions(v, MinAPIVersion) < 0 {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
			"client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", v, MinAPIVersion))
	}
	return nil
}

// StripVersion removes a /vX.Y prefix, rejects versions outside
// [MinAPIVersion, MaxAPIVersion] and stores the version in the context.
func StripVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, rest, ok := SplitVersion(r.URL.Path)
		if ok {
			if err := CheckVersion(v); err != nil {
				WriteError(w, r, err)
				return
			}
			r = r.WithContext(WithAPIVersion(r.Context(), v))
			r.URL.Path = rest
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}
