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

func itoa(i int) string { return strconv.Itoa(i) }

// zerologCtx is the request's logger.
func zerologCtx(ctx context.Context) *zerolog.Logger { return zerolog.Ctx(ctx) }
