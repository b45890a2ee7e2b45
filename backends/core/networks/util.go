package networks

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/filters"
)

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func joinSpace(s []string) string { return strings.Join(s, " ") }

// notLabels applies the "label!" filter: no value may match.
func notLabels(f filters.Args, labels map[string]string) bool {
	for _, l := range f.Get("label!") {
		k, v, hasValue := strings.Cut(l, "=")
		if got, ok := labels[k]; ok && (!hasValue || got == v) {
			return false
		}
	}
	return true
}

// parseUntil parses the "until" filter of prune: a timestamp or a
// duration before now, as dockerd.
func parseUntil(s string) (time.Time, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid timestamp %q", s))
}
