package engine

import (
	"context"

	"github.com/rs/zerolog"
)

// zerologCtx is the request's logger.
func zerologCtx(ctx context.Context) *zerolog.Logger { return zerolog.Ctx(ctx) }
