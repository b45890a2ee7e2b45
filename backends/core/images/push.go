package images

import (
	"net/http"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// pull is POST /images/create?fromImage=.
func (h handlers) pull(w http.ResponseWriter, r *http.Request, plat imagestore.Platform) error {
	return errdefs.ErrNotImplemented.WithMessage("pull is not implemented yet")
}

// push is POST /images/{name}/push.
func (h handlers) push(w http.ResponseWriter, r *http.Request, name string) error {
	return errdefs.ErrNotImplemented.WithMessage("push is not implemented yet")
}
