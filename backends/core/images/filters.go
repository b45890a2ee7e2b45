package images

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

// filters are Docker's filters query parameter: {"key":{"value":true}},
// or the legacy {"key":["value"]} form, as dockerd's filters.FromJSON.
type filters map[string]map[string]bool

func parseFilters(s string) (filters, error) {
	f := filters{}
	if s == "" {
		return f, nil
	}
	if err := json.Unmarshal([]byte(s), &f); err == nil {
		return f, nil
	}
	var legacy map[string][]string
	if err := json.Unmarshal([]byte(s), &legacy); err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid filter")
	}
	f = filters{}
	for k, vs := range legacy {
		f[k] = map[string]bool{}
		for _, v := range vs {
			f[k][v] = true
		}
	}
	return f, nil
}

// validate refuses keys outside accepted: "invalid filter 'x'".
func (f filters) validate(accepted ...string) error {
	for k := range f {
		if !slices.Contains(accepted, k) {
			return errdefs.ErrInvalidArgument.WithMessage("invalid filter '" + k + "'")
		}
	}
	return nil
}

func (f filters) has(key string) bool {
	_, ok := f[key]
	return ok
}

// values returns the values of key, sorted.
func (f filters) values(key string) []string {
	var out []string
	for v := range f[key] {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// boolOrDefault reads a boolean filter ("1", "true", "0", "false").
func (f filters) boolOrDefault(key string, def bool) (bool, error) {
	vs, ok := f[key]
	if !ok {
		return def, nil
	}
	isFalse, isTrue := vs["0"] || vs["false"], vs["1"] || vs["true"]
	if len(vs) == 0 || isFalse == isTrue {
		return def, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter '%s=%s'", key, f.values(key)))
	}
	return isTrue, nil
}

// matchKV is dockerd's MatchKVList: every "k" or "k=v" of key must match.
func (f filters) matchKV(key string, labels map[string]string) bool {
	vs := f[key]
	if len(vs) == 0 {
		return true
	}
	for v := range vs {
		k, want, hasValue := strings.Cut(v, "=")
		got, ok := labels[k]
		if !ok || (hasValue && got != want) {
			return false
		}
	}
	return true
}

// parseTimestamp reads an until/since value: a Go duration before now, a
// Unix time ("1700000000" or "1700000000.5"), an RFC 3339 time or a date.
func parseTimestamp(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); v != "0" && err == nil {
		return now.Add(-d), nil
	}
	if sec, frac, ok := strings.Cut(v, "."); ok || sec != "" {
		if s, err := strconv.ParseInt(sec, 10, 64); err == nil {
			var ns int64
			if ok {
				if n, err := strconv.ParseInt((frac + "000000000")[:9], 10, 64); err == nil {
					ns = n
				}
			}
			return time.Unix(s, ns), nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("failed to parse value as time or duration: %q", v))
}
