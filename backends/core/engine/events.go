package engine

import (
	"context"
	"maps"
	"strconv"

	mevents "github.com/moby/moby/api/types/events"
	"github.com/rs/zerolog"
)

type eventsMessage = mevents.Message

// event publishes a container event with dockerd's attributes: the
// container's labels, image and name, plus extra. c.mu must be held.
func (e *Engine) event(ctx context.Context, c *Container, action mevents.Action, extra map[string]string) {
	attrs := make(map[string]string, len(c.rec.Config.Labels)+2+len(extra))
	maps.Copy(attrs, c.rec.Config.Labels)
	attrs["image"] = c.rec.Config.Image
	attrs["name"] = c.rec.Name[1:]
	maps.Copy(attrs, extra)
	e.events.Publish(ctx, mevents.Message{Type: mevents.ContainerEventType, Action: action,
		Actor: mevents.Actor{ID: c.rec.ID, Attributes: attrs}})
}

// volumeEvents publishes a volume mount or unmount event for each volume
// of c, as dockerd does when a container starts and stops. c.mu is held.
func (e *Engine) volumeEvents(ctx context.Context, c *Container, action mevents.Action) {
	for _, m := range c.rec.Mounts {
		if m.Type != "volume" {
			continue
		}
		attrs := map[string]string{"container": c.rec.ID, "driver": m.Driver}
		if action == mevents.ActionMount {
			attrs["destination"], attrs["propagation"] = m.Destination, ""
			attrs["read/write"] = strconv.FormatBool(!m.ReadOnly)
		}
		e.events.Publish(ctx, mevents.Message{Type: mevents.VolumeEventType, Action: action,
			Actor: mevents.Actor{ID: m.Name, Attributes: attrs}})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// zerologCtx is the request's logger.
func zerologCtx(ctx context.Context) *zerolog.Logger { return zerolog.Ctx(ctx) }
