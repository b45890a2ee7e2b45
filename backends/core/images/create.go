package images

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

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
	return h.importImage(w, r, plat)
}

// importImage is docker import: the request body (fromSrc=-) or a URL the
// daemon downloads, as dockerd does, reporting "Downloading from" and
// "Importing" progress.
func (h handlers) importImage(w http.ResponseWriter, r *http.Request, plat imagestore.Platform) error {
	q := r.URL.Query()
	ref, err := imagestore.RepoTag(q.Get("repo"), q.Get("tag"))
	if err != nil {
		return err
	}
	src := q.Get("fromSrc")
	opts := imagestore.ImportOptions{Changes: q["changes"], Message: q.Get("message"), Source: src, Platform: plat}
	if ref != nil {
		opts.Ref = ref
	}
	st := newStream(w)
	body := io.Reader(r.Body)
	if src != "-" {
		resp, err := h.download(r, src)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		st.status("", "Downloading from %s", resp.Request.URL)
		var mu sync.Mutex
		body = &countingReader{r: resp.Body, fn: func(n int64) {
			mu.Lock()
			defer mu.Unlock()
			st.progress("", "Importing", n, resp.ContentLength)
		}}
	}
	img, err := h.s.Import(r.Context(), body, opts)
	if err != nil {
		if !st.started {
			return err
		}
		st.fail(r, err)
		return nil
	}
	st.status("", "%s", img.ID)
	return nil
}

// download fetches an import source URL ("host/path" means http).
func (h handlers) download(r *http.Request, src string) (*http.Response, error) {
	if !strings.Contains(src, "://") {
		src = "http://" + src
	}
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid import source %q", src))
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("import from %s: %w", u, err)
	}
	if resp.StatusCode >= 400 {
		resp.Body.Close()
		return nil, fmt.Errorf("failed to GET %s with status %s", u, resp.Status)
	}
	return resp, nil
}

// countingReader calls fn with the bytes read so far, every 512 KiB.
type countingReader struct {
	r    io.Reader
	n    int64
	last int64
	fn   func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n-c.last >= 512<<10 || (err == io.EOF && c.n != c.last) {
		c.last = c.n
		c.fn(c.n)
	}
	return n, err
}
