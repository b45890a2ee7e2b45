package events

import (
	"github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/backends/core/filters"
)

// FilterNames are the filters GET /events accepts.
var FilterNames = []string{"config", "container", "daemon", "event", "image", "label", "network", "node", "plugin", "scope", "secret", "service", "type", "volume"}

// Match reports whether m passes the filters of GET /events, as dockerd's
// events.Filter: every given filter must match.
func Match(f filters.Args, m events.Message) bool {
	attr := m.Actor.Attributes
	name := attr["name"]
	if !f.Match("type", string(m.Type)) || !f.Match("event", string(m.Action)) && !f.Match("event", actionBase(string(m.Action))) {
		return false
	}
	if f.Has("scope") && !f.Match("scope", m.Scope) {
		return false
	}
	if !f.MatchLabels("label", attr) {
		return false
	}
	match := func(filter string, typ events.Type) bool {
		if !f.Has(filter) {
			return true
		}
		if m.Type != typ {
			return false
		}
		return f.MatchAny(filter, m.Actor.ID, name) || f.MatchPrefix(filter, m.Actor.ID)
	}
	if !match("container", events.ContainerEventType) || !match("network", events.NetworkEventType) ||
		!match("volume", events.VolumeEventType) || !match("daemon", events.DaemonEventType) {
		return false
	}
	if f.Has("image") {
		switch m.Type {
		case events.ImageEventType:
			return f.MatchAny("image", m.Actor.ID, name)
		case events.ContainerEventType:
			return f.MatchAny("image", attr["image"])
		default:
			return false
		}
	}
	return true
}

// actionBase strips the arguments of actions such as "exec_start: sh -c x".
func actionBase(a string) string {
	for i := range len(a) {
		if a[i] == ':' {
			return a[:i]
		}
	}
	return a
}
