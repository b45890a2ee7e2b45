package proxy

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/api/httpx"
)

// maxDrain bounds how much of an oversized JSON body is read and thrown
// away so that the client, still sending, reads our 400 instead of a
// broken pipe. Past it the connection is closed.
const maxDrain = 64 << 20

// bufferJSON reads a JSON request body whole before it is forwarded, so
// that one over [httpx.MaxJSONBody] gets the backend's 400 from us, cleanly,
// instead of a connection the backend closed mid-upload. Other bodies
// (archives, build contexts, image tarballs) stream. ok is false when the
// answer has been written.
func bufferJSON(w http.ResponseWriter, r *http.Request) (ok bool) {
	if r.Body == nil || r.Body == http.NoBody || !isJSON(r.Header.Get("Content-Type")) {
		return true
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, httpx.MaxJSONBody+1))
	if err != nil {
		httpx.WriteError(w, r, errdefs.ErrInvalidArgument.WithMessage("read request body: "+err.Error()))
		return false
	}
	if len(body) > httpx.MaxJSONBody {
		_, _ = io.CopyN(io.Discard, r.Body, maxDrain)
		httpx.WriteError(w, r, errdefs.ErrInvalidArgument.WithMessage(
			fmt.Sprintf("request body too large: over %d bytes", httpx.MaxJSONBody)))
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return true
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
