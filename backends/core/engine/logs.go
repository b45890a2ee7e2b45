package engine

import (
	"context"
	"errors"
	"time"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/logs"
)

// LogsOptions are a container logs request.
type LogsOptions struct {
	Stdout, Stderr bool
	Follow         bool
	Since, Until   time.Time
	// Tail is the number of last lines; negative means all.
	Tail int
}

// LogStream streams selected log entries to fn.
type LogStream func(ctx context.Context, fn func(driver.LogEntry) error) error

// Logs prepares the output of container ref: from the driver's
// [driver.Stream] when it holds the output, else from the log file the
// core keeps. It reports whether the container has a TTY (raw stream).
func (e *Engine) Logs(ctx context.Context, ref string, opts LogsOptions) (tty bool, stream LogStream, err error) {
	if !opts.Stdout && !opts.Stderr {
		return false, nil, errdefs.ErrInvalidArgument.WithMessage("Bad parameters: you must choose at least one stream")
	}
	c, err := e.get(ref)
	if err != nil {
		return false, nil, err
	}
	c.mu.Lock()
	tty, id, live, driverName := c.rec.Config.Tty, c.rec.ID, c.logw, c.rec.HostConfig.LogConfig.Type
	c.mu.Unlock()
	if driverName == "none" && e.drv.Stream == nil {
		return false, nil, errdefs.ErrNotImplemented.WithMessage("configured logging driver does not support reading")
	}
	dopts := driver.LogOptions{Since: opts.Since, Until: opts.Until, Follow: opts.Follow, Tail: opts.Tail}
	want := func(le driver.LogEntry) bool {
		return le.Stream == "stdout" && opts.Stdout || le.Stream == "stderr" && opts.Stderr
	}
	return tty, func(ctx context.Context, fn func(driver.LogEntry) error) error {
		pick := func(le driver.LogEntry) error {
			if want(le) {
				return fn(le)
			}
			return nil
		}
		if e.drv.Stream != nil {
			err := e.drv.Stream.Logs(ctx, id, dopts, pick)
			if !errors.Is(err, driver.ErrUnsupported) {
				return err
			}
		}
		return logs.Read(ctx, e.logPath(id), dopts, live, pick)
	}, nil
}
