package containers

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/streams"
)

// timestampFormat is dockerd's fixed-width RFC 3339 for log timestamps.
const timestampFormat = "2006-01-02T15:04:05.000000000Z07:00"

// writeBody encodes v after the headers were sent; errors are in-band.
func writeBody(w http.ResponseWriter, v any) error {
	_ = json.NewEncoder(w).Encode(v)
	return nil
}

// logs answers GET /containers/{id}/logs (ContainerLogs).
func (h handlers) logs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	opts := engine.LogsOptions{Stdout: boolValue(r, "stdout"), Stderr: boolValue(r, "stderr"), Follow: boolValue(r, "follow"), Tail: -1}
	now := time.Now()
	for _, p := range []struct {
		k string
		t *time.Time
	}{{"since", &opts.Since}, {"until", &opts.Until}} {
		if s := q.Get(p.k); s != "" && s != "0" {
			t, err := engine.ParseTimestamp(s, now)
			if err != nil {
				return errdefs.ErrInvalidArgument.WithMessage(err.Error())
			}
			*p.t = t
		}
	}
	if tail := q.Get("tail"); tail != "" && tail != "all" {
		n, err := strconv.Atoi(tail)
		if err != nil || n < 0 {
			n = -1 // dockerd treats an invalid tail as all
		}
		opts.Tail = n
	}
	tty, stream, err := h.b.Logs(r.Context(), r.PathValue("id"), opts)
	if err != nil {
		return err
	}
	var details []byte
	if boolValue(r, "details") {
		c, err := h.b.Inspect(r.Context(), r.PathValue("id"), false)
		if err != nil {
			return err
		}
		details = logDetails(c)
	}
	ct := httpx.MultiplexedStream
	if tty {
		ct = httpx.RawStream
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	stdout, stderr, _ := streams.NewFrameWriters(w)
	timestamps := boolValue(r, "timestamps")
	err = stream(r.Context(), func(le driver.LogEntry) error {
		var out interface{ Write([]byte) (int, error) } = stdout
		if tty {
			out = w
		} else if le.Stream == "stderr" {
			out = stderr
		}
		data := le.Data
		if details != nil {
			data = append(slices.Clone(details), data...)
		}
		if timestamps {
			data = append([]byte(le.Time.UTC().Format(timestampFormat)+" "), data...)
		}
		if _, err := out.Write(data); err != nil {
			return err
		}
		if opts.Follow {
			return rc.Flush()
		}
		return nil
	})
	if err != nil {
		zerolog.Ctx(r.Context()).Debug().Err(err).Msg("logs stream ended")
	}
	return nil
}

// attach answers POST /containers/{id}/attach (ContainerAttach): the
// attachment is registered before the connection is hijacked, so that a
// client that attaches and then starts misses no output.
func (h handlers) attach(w http.ResponseWriter, r *http.Request) error {
	opts := engine.AttachOptions{Stream: boolValue(r, "stream"), Logs: boolValue(r, "logs"), Stdin: boolValue(r, "stdin"),
		Stdout: boolValue(r, "stdout"), Stderr: boolValue(r, "stderr"), DetachKeys: r.URL.Query().Get("detachKeys")}
	a, err := h.b.Attach(r.Context(), r.PathValue("id"), opts)
	if err != nil {
		return err
	}
	ct := httpx.MultiplexedStream
	if a.TTY() {
		ct = httpx.RawStream
	}
	conn, rw, err := httpx.Hijack(w, r, ct)
	if err != nil {
		a.Cancel()
		zerolog.Ctx(r.Context()).Warn().Err(err).Msg("attach hijack failed")
		return nil
	}
	done := h.tracker.Add(conn)
	defer done()
	defer conn.Close()
	// Reading the hijacked connection to its end cancels the request's
	// context (net/http's connReader), so the session must not depend on it.
	if err := a.Run(context.WithoutCancel(r.Context()), rw.Reader, conn); err != nil {
		zerolog.Ctx(r.Context()).Debug().Err(err).Msg("attach ended")
	}
	return nil
}

// attachWS answers GET /containers/{id}/attach/ws.
func (h handlers) attachWS(w http.ResponseWriter, r *http.Request) error {
	return errdefs.ErrNotImplemented.WithMessage("attach over websocket is not supported by sockerless")
}

// resize answers POST /containers/{id}/resize (ContainerResize).
func (h handlers) resize(w http.ResponseWriter, r *http.Request) error {
	size, err := termSize(r)
	if err != nil {
		return err
	}
	if err := h.b.Resize(r.Context(), r.PathValue("id"), size); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// termSize reads the h and w query parameters of a resize.
func termSize(r *http.Request) (driver.TermSize, error) {
	q := r.URL.Query()
	hh, err1 := strconv.ParseUint(q.Get("h"), 10, 16)
	ww, err2 := strconv.ParseUint(q.Get("w"), 10, 16)
	if err1 != nil || err2 != nil {
		return driver.TermSize{}, errdefs.ErrInvalidArgument.WithMessage("invalid resize request: h and w must be unsigned integers: " +
			strings.TrimSpace(q.Get("h")+" "+q.Get("w")))
	}
	return driver.TermSize{Height: uint(hh), Width: uint(ww)}, nil
}
