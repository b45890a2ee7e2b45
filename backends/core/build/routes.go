package build

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	registrytypes "github.com/moby/moby/api/types/registry"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// Register adds POST /build (the classic builder) to mux.
func Register(mux *http.ServeMux, b *Builder) {
	h := handlers{b: b}
	mux.Handle("POST /build", httpx.API(h.build))
}

type handlers struct{ b *Builder }

// build is POST /build. Errors found before any output (bad query,
// unreadable context, Dockerfile syntax) are HTTP errors; once the stream
// has started they are reported in-band, as dockerd does.
func (h handlers) build(w http.ResponseWriter, r *http.Request) error {
	opts, err := parseQuery(r)
	if err != nil {
		return err
	}
	out := &stream{w: w}
	if opts.Quiet {
		out.quiet = true
	}
	res, err := h.b.Build(r.Context(), r.Body, opts, out)
	if err != nil {
		if !out.started {
			return err
		}
		out.fail(r, err)
		return nil
	}
	if opts.Quiet {
		out.quiet = false
		out.Stream(res.ID + "\n")
	}
	return nil
}

// parseQuery reads POST /build's query parameters and X-Registry-Config.
func parseQuery(r *http.Request) (Options, error) {
	q := r.URL.Query()
	if v := q.Get("version"); v == "2" {
		return Options{}, errdefs.ErrInvalidArgument.WithMessage("BuildKit is not supported by sockerless: build with DOCKER_BUILDKIT=0")
	}
	if q.Get("remote") != "" {
		return Options{}, errdefs.ErrNotImplemented.WithMessage("remote build contexts are not supported by sockerless")
	}
	opts := Options{
		Dockerfile:  q.Get("dockerfile"),
		Tags:        q["t"],
		Target:      q.Get("target"),
		NoCache:     boolValue(q.Get("nocache")),
		Remove:      q.Get("rm") == "" || boolValue(q.Get("rm")),
		ForceRemove: boolValue(q.Get("forcerm")),
		Pull:        boolValue(q.Get("pull")),
		Platform:    q.Get("platform"),
		NetworkMode: q.Get("networkmode"),
		Quiet:       boolValue(q.Get("q")),
	}
	if opts.NetworkMode == "default" {
		opts.NetworkMode = "" // the CLI's default: the daemon's default network
	}
	if v := q.Get("buildargs"); v != "" {
		if err := json.Unmarshal([]byte(v), &opts.BuildArgs); err != nil {
			return Options{}, errdefs.ErrInvalidArgument.WithMessage("error reading build args: " + err.Error())
		}
	}
	if v := q.Get("cachefrom"); v != "" {
		if err := json.Unmarshal([]byte(v), &opts.CacheFrom); err != nil {
			return Options{}, errdefs.ErrInvalidArgument.WithMessage("error reading cache-from: " + err.Error())
		}
	}
	if v := q.Get("labels"); v != "" {
		if err := json.Unmarshal([]byte(v), &opts.Labels); err != nil {
			return Options{}, errdefs.ErrInvalidArgument.WithMessage("error reading labels: " + err.Error())
		}
	}
	if v := r.Header.Get("X-Registry-Config"); v != "" {
		data, err := base64.URLEncoding.DecodeString(v)
		if err != nil {
			data, err = base64.StdEncoding.DecodeString(v)
		}
		if err == nil {
			var auth map[string]registrytypes.AuthConfig
			if json.Unmarshal(data, &auth) == nil {
				opts.Auth = auth
			}
		}
	}
	return opts, nil
}

// boolValue is dockerd's BoolValue.
func boolValue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// message is one line of dockerd's build stream; jsonstream.Message lacks
// the legacy "error" text the docker CLI still prints.
type message struct {
	jsonstream.Message
	ErrorText string `json:"error,omitempty"`
}

// stream writes a build's JSON stream, one object per line, flushed.
type stream struct {
	w       http.ResponseWriter
	started bool
	quiet   bool
	broken  error
}

func (s *stream) send(m message) {
	if s.broken != nil {
		return
	}
	if !s.started {
		s.started = true
		s.w.Header().Set("Content-Type", "application/json")
		s.w.WriteHeader(http.StatusOK)
	}
	data, err := json.Marshal(m)
	if err == nil {
		_, err = s.w.Write(append(data, '\r', '\n'))
	}
	if err == nil {
		err = http.NewResponseController(s.w).Flush()
	}
	s.broken = err
}

// Stream implements [Output].
func (s *stream) Stream(text string) {
	if !s.quiet {
		s.send(message{Message: jsonstream.Message{Stream: text}})
	}
}

// Aux implements [Output].
func (s *stream) Aux(id string) {
	data, _ := json.Marshal(map[string]string{"ID": id})
	raw := json.RawMessage(data)
	s.send(message{Message: jsonstream.Message{Aux: &raw}})
}

// Progress implements [Output].
func (s *stream) Progress(p imagestore.Progress) {
	if s.quiet {
		return
	}
	m := jsonstream.Message{ID: p.ID, Status: p.Status}
	if p.Line != "" {
		m = jsonstream.Message{Stream: p.Line + "\n"}
	}
	if p.Layer && p.Total > 0 {
		m.Progress = &jsonstream.Progress{Current: p.Current, Total: p.Total}
	}
	s.send(message{Message: m})
}

// fail reports err in-band with its exit code when a RUN failed.
func (s *stream) fail(r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Debug().Err(err).Msg("build failed")
	je := &jsonstream.Error{Message: err.Error()}
	var exit *ExitError
	if errors.As(err, &exit) {
		je.Code = exit.Code
	}
	s.send(message{Message: jsonstream.Message{Error: je}, ErrorText: err.Error()})
}
