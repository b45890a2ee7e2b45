package images

import (
	"net/http"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// create is POST /images/create: a pull with fromImage, else an import
// of fromSrc. Query parameters are read from the URL only: the body is the
// tar being imported, never a form.
func (h handlers) create(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var plat imagestore.Platform
	if p := q.Get("platform"); p != "" && apiAtLeast(r, "1.32") {
		var err error
		if plat, err = imagestore.ParsePlatform(p); err != nil {
			return err
		}
	}
	if q.Get("fromImage") != "" {
		return h.pull(w, r, plat)
	}
	ref, err := imagestore.RepoTag(q.Get("repo"), q.Get("tag"))
	if err != nil {
		return err
	}
	src := q.Get("fromSrc")
	if src != "-" {
		return errdefs.ErrNotImplemented.WithMessage("importing from a URL (fromSrc=" + src + ") is not supported by sockerless; send the tar as the request body with fromSrc=-")
	}
	opts := imagestore.ImportOptions{Changes: q["changes"], Message: q.Get("message"), Source: src, Platform: plat}
	if ref != nil {
		opts.Ref = ref
	}
	img, err := h.s.Import(r.Context(), r.Body, opts)
	if err != nil {
		return err
	}
	newStream(w).status("", "%s", img.ID)
	return nil
}
