package images

import (
	"net/http"
	"sync"

	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// load is POST /images/load (docker load). Its status is always 200:
// dockerd reports failures in the JSON stream.
// Layer progress is sent unless quiet (the default, as in dockerd).
func (h handlers) load(w http.ResponseWriter, r *http.Request) error {
	quiet := boolValueOrDefault(r, "quiet", true)
	st := newStream(w)
	st.begin()
	progress := progressReporter(st, &sync.Mutex{})
	report := func(p imagestore.Progress) {
		switch {
		case p.Line != "":
			st.line(p.Line)
		case !quiet:
			progress(p)
		}
	}
	if err := h.s.Load(r.Context(), r.Body, report); err != nil {
		st.fail(r, err)
	}
	return nil
}

// saveMany is GET /images/get?names=a&names=b.
func (h handlers) saveMany(w http.ResponseWriter, r *http.Request) error {
	return h.save(w, r, r.URL.Query()["names"])
}

// save writes a docker save tar. Unknown names fail before any byte is
// sent; a failure while streaming appends dockerd's JSON error.
func (h handlers) save(w http.ResponseWriter, r *http.Request, names []string) error {
	cw := &countingWriter{w: w, header: func() { w.Header().Set("Content-Type", "application/x-tar") }}
	err := h.s.Save(r.Context(), cw, names)
	if err != nil && cw.n > 0 {
		newStream(w).fail(r, err)
		return nil
	}
	return err
}

// countingWriter sets the headers before the first byte and counts bytes.
type countingWriter struct {
	w      http.ResponseWriter
	header func()
	n      int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.n == 0 && c.header != nil {
		c.header()
		c.header = nil
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
