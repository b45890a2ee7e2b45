// Package filters parses the "filters" query parameter of the Docker Engine
// API (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Container/operation/ContainerList):
// a JSON object mapping a filter name to its values, either as a list
// ({"label":["a=b"]}) or, as older clients send it, as a set
// ({"label":{"a=b":true}}).
package filters

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
)

// Args are parsed filters: each name maps to the set of its values.
type Args map[string]map[string]bool

// Parse decodes a filters query value. The empty string and "{}" are no
// filters. Anything else that is not a filters object is an invalid
// argument (400), as with dockerd.
func Parse(s string) (Args, error) {
	args := Args{}
	if s == "" {
		return args, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid filter: " + err.Error())
	}
	for name, v := range raw {
		set := map[string]bool{}
		var list []string
		if err := json.Unmarshal(v, &list); err == nil {
			for _, x := range list {
				set[x] = true
			}
			args[name] = set
			continue
		}
		var m map[string]bool
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter %q: want a list of strings", name))
		}
		for x, ok := range m {
			if ok {
				set[x] = true
			}
		}
		args[name] = set
	}
	return args, nil
}

// JSON encodes args in the list form Parse accepts.
func (a Args) JSON() string {
	out := make(map[string][]string, len(a))
	for name := range a {
		out[name] = a.Get(name)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// Equal reports whether a and b hold the same filters.
func (a Args) Equal(b Args) bool {
	return maps.EqualFunc(a, b, func(x, y map[string]bool) bool { return maps.Equal(x, y) })
}

// Validate rejects filter names outside accepted with dockerd's message.
func (a Args) Validate(accepted ...string) error {
	for name := range a {
		if !slices.Contains(accepted, name) {
			return errdefs.ErrInvalidArgument.WithMessage("invalid filter '" + name + "'")
		}
	}
	return nil
}

// Has reports whether the filter name was given.
func (a Args) Has(name string) bool {
	_, ok := a[name]
	return ok
}

// Get returns the values of name, sorted.
func (a Args) Get(name string) []string {
	return slices.Sorted(maps.Keys(a[name]))
}

// Match reports whether v passes the filter name: true when the filter is
// absent, else when one of its values equals v.
func (a Args) Match(name, v string) bool {
	set, ok := a[name]
	return !ok || set[v]
}

// MatchAny is [Args.Match] for a value that may be any of vs.
func (a Args) MatchAny(name string, vs ...string) bool {
	set, ok := a[name]
	if !ok {
		return true
	}
	for _, v := range vs {
		if set[v] {
			return true
		}
	}
	return false
}

// MatchPrefix reports whether v passes name when filter values are
// prefixes of v (IDs).
func (a Args) MatchPrefix(name, v string) bool {
	set, ok := a[name]
	if !ok {
		return true
	}
	for f := range set {
		if strings.HasPrefix(v, f) {
			return true
		}
	}
	return false
}

// MatchPattern reports whether v passes name when filter values are
// substrings or shell patterns, as dockerd's name filter.
func (a Args) MatchPattern(name, v string) bool {
	set, ok := a[name]
	if !ok {
		return true
	}
	for f := range set {
		if strings.Contains(v, f) {
			return true
		}
		if ok, _ := path.Match(f, v); ok {
			return true
		}
	}
	return false
}

// MatchLabels reports whether labels pass the filter name ("label"): every
// value must match, as "key" (present) or "key=value" (equal), with "key!=value"
// negated.
func (a Args) MatchLabels(name string, labels map[string]string) bool {
	for f := range a[name] {
		if k, v, ok := strings.Cut(f, "!="); ok {
			if got, has := labels[k]; has && got == v {
				return false
			}
			continue
		}
		k, v, hasValue := strings.Cut(f, "=")
		got, has := labels[k]
		if !has || (hasValue && got != v) {
			return false
		}
	}
	return true
}
