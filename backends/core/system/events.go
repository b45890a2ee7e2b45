package system

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/containerd/errdefs"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/events"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// events answers GET /events (SystemEvents): the kept events since
// "since", then live ones until "until" or the client leaves.
func (h handlers) events(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	now := time.Now()
	var since, until time.Time
	for _, p := range []struct {
		k string
		t *time.Time
	}{{"since", &since}, {"until", &until}} {
		if s := q.Get(p.k); s != "" {
			t, err := engine.ParseTimestamp(s, now)
			if err != nil {
				return errdefs.ErrInvalidArgument.WithMessage(err.Error())
			}
			*p.t = t
		}
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		return errdefs.ErrInvalidArgument.WithMessage("`since` time must be before `until` time")
	}
	f, err := filters.Parse(q.Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate(events.FilterNames...); err != nil {
		return err
	}
	past, sub := h.o.Events.Subscribe()
	defer sub.Close()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	enc := json.NewEncoder(w)
	send := func(m mevents.Message) bool {
		if !events.Match(f, m) {
			return true
		}
		if enc.Encode(m) != nil {
			return false
		}
		return rc.Flush() == nil
	}
	inRange := func(m mevents.Message) bool {
		t := time.Unix(0, m.TimeNano)
		return (since.IsZero() || !t.Before(since)) && (until.IsZero() || !t.After(until))
	}
	if !since.IsZero() {
		for _, m := range past {
			if inRange(m) && !send(m) {
				return nil
			}
		}
	}
	var end <-chan time.Time
	if !until.IsZero() {
		if !until.After(now) {
			return nil
		}
		t := time.NewTimer(until.Sub(now))
		defer t.Stop()
		end = t.C
	}
	for {
		select {
		case m, ok := <-sub.C():
			if !ok || inRange(m) && !send(m) {
				return nil
			}
		case <-end:
			return nil
		case <-r.Context().Done():
			return nil
		}
	}
}
