package images

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/jsonstream"
	registrytypes "github.com/moby/moby/api/types/registry"
	godigest "github.com/opencontainers/go-digest"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/registry"
)

// pull is POST /images/create?fromImage=&tag=: docker pull, streaming
// dockerd's progress messages. Failures found before the first message
// (unknown repository or manifest, unreachable registry) are the
// response's status; later ones are reported in the stream.
func (h handlers) pull(w http.ResponseWriter, r *http.Request, plat imagestore.Platform) error {
	q := r.URL.Query()
	ref, err := pullReference(q.Get("fromImage"), q.Get("tag"))
	if err != nil {
		return err
	}
	st := newStream(w)
	var mu sync.Mutex
	report := progressReporter(st, &mu)
	auth := registry.DecodeAuth(r.Header.Get(registrytypes.AuthHeader))
	_, err = h.s.Pull(r.Context(), ref, imagestore.PullOptions{Platform: plat, Auth: auth}, report)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		if !st.started {
			return err
		}
		st.fail(r, err)
	}
	return nil
}

// pullReference combines fromImage and tag, which may be a digest, as
// dockerd does. A name without tag (docker pull --all-tags) is refused.
func pullReference(image, tag string) (reference.Named, error) {
	ref, err := reference.ParseNormalizedNamed(strings.TrimSuffix(image, ":"))
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if tag != "" {
		if d, derr := godigest.Parse(tag); derr == nil {
			ref, err = reference.WithDigest(reference.TrimNamed(ref), d)
		} else {
			ref, err = reference.WithTag(ref, tag)
		}
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	if reference.IsNameOnly(ref) {
		return nil, errdefs.ErrNotImplemented.WithMessage("pulling all tags of a repository is not supported by sockerless")
	}
	return ref, nil
}

// push is POST /images/{name}/push?tag=: docker push. As with dockerd,
// the status is 200 once the request is valid; failures are in the stream.
func (h handlers) push(w http.ResponseWriter, r *http.Request, name string) error {
	var ref reference.Named
	var err error
	if tag := r.URL.Query().Get("tag"); tag != "" {
		ref, err = imagestore.RepoTag(name, tag)
	} else if ref, err = reference.ParseNormalizedNamed(name); err != nil {
		err = errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if err != nil {
		return err
	}
	st := newStream(w)
	var mu sync.Mutex
	report := progressReporter(st, &mu)
	aux := func(res imagestore.PushResult) {
		mu.Lock()
		defer mu.Unlock()
		raw, _ := json.Marshal(res)
		msg := json.RawMessage(raw)
		st.send(message{Message: jsonstream.Message{Progress: &jsonstream.Progress{}, Aux: &msg}})
	}
	auth := registry.DecodeAuth(r.Header.Get(registrytypes.AuthHeader))
	if err := h.s.Push(r.Context(), ref, auth, report, aux); err != nil {
		mu.Lock()
		defer mu.Unlock()
		if !st.started {
			return err
		}
		st.fail(r, err)
	}
	return nil
}

// progressReporter turns store progress into stream messages; mu guards
// the stream against the concurrent layer transfers.
func progressReporter(st *stream, mu *sync.Mutex) func(imagestore.Progress) {
	return func(p imagestore.Progress) {
		mu.Lock()
		defer mu.Unlock()
		m := message{Message: jsonstream.Message{ID: p.ID, Status: p.Status}}
		if p.Layer {
			m.Progress = &jsonstream.Progress{Current: p.Current, Total: p.Total}
			if p.Total > 0 {
				m.ProgressBar = progressBar(p.Current, p.Total)
			}
		}
		st.send(m)
	}
}
