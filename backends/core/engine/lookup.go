package engine

import (
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
)

// notFound is dockerd's answer for an unknown container reference.
func notFound(ref string) error {
	return errdefs.ErrNotFound.WithMessage("No such container: " + ref)
}

// get resolves ref as dockerd does: a full ID, then a name (with or without
// its slash), then a unique ID prefix. Several IDs with the prefix is
// dockerd's 500 "Multiple IDs found with provided prefix".
func (e *Engine) get(ref string) (*Container, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.getLocked(ref)
}

func (e *Engine) getLocked(ref string) (*Container, error) {
	if ref == "" {
		return nil, notFound(ref)
	}
	if c, ok := e.byID[ref]; ok {
		return c, nil
	}
	if id, ok := e.names["/"+strings.TrimPrefix(ref, "/")]; ok {
		return e.byID[id], nil
	}
	var found *Container
	for id, c := range e.byID {
		if strings.HasPrefix(id, ref) {
			if found != nil {
				return nil, errdefs.ErrInternal.WithMessage(fmt.Sprintf("Multiple IDs found with provided prefix: %s", ref))
			}
			found = c
		}
	}
	if found == nil {
		return nil, notFound(ref)
	}
	return found, nil
}

// all returns every container, in no order.
func (e *Engine) all() []*Container {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]*Container, 0, len(e.byID))
	for _, c := range e.byID {
		out = append(out, c)
	}
	return out
}
