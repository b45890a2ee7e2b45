package images

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/rs/zerolog"
)

// message is one line of Docker's JSON progress stream. jsonstream.Message
// lacks the two legacy strings dockerd still sends and clients still read:
// the rendered progress bar and the error text.
type message struct {
	jsonstream.Message
	ProgressBar string `json:"progress,omitempty"`
	ErrorText   string `json:"error,omitempty"`
}

// stream writes a JSON message stream as dockerd does: one object per
// line ending in "\r\n", flushed at once.
type stream struct {
	w       http.ResponseWriter
	started bool
	broken  error
}

func newStream(w http.ResponseWriter) *stream {
	return &stream{w: w}
}

// begin sends the headers; the status is 200 from here on.
func (s *stream) begin() {
	if !s.started {
		s.started = true
		s.w.Header().Set("Content-Type", "application/json")
		s.w.WriteHeader(http.StatusOK)
	}
}

func (s *stream) send(m message) {
	if s.broken != nil {
		return
	}
	s.begin()
	data, err := json.Marshal(m)
	if err == nil {
		_, err = s.w.Write(append(data, '\r', '\n'))
	}
	if err == nil {
		err = http.NewResponseController(s.w).Flush()
	}
	s.broken = err
}

// status sends {"status": ..., "id": ...}.
func (s *stream) status(id, format string, args ...any) {
	s.send(message{Message: jsonstream.Message{ID: id, Status: fmt.Sprintf(format, args...)}})
}

// progress sends a status with progress details and dockerd's bar.
func (s *stream) progress(id, status string, current, total int64) {
	p := &jsonstream.Progress{Current: current, Total: total}
	s.send(message{Message: jsonstream.Message{ID: id, Status: status, Progress: p}, ProgressBar: progressBar(current, total)})
}

// line sends {"stream": text + "\n"}.
func (s *stream) line(text string) {
	s.send(message{Message: jsonstream.Message{Stream: text + "\n"}})
}

// fail reports err in-band, as dockerd does once a stream has started.
func (s *stream) fail(r *http.Request, err error) {
	zerolog.Ctx(r.Context()).Debug().Err(err).Str("path", r.URL.Path).Msg("stream failed")
	s.send(message{Message: jsonstream.Message{Error: &jsonstream.Error{Message: err.Error()}}, ErrorText: err.Error()})
}

// progressBar renders dockerd's "[==>   ]  1.2MB/3.4MB".
func progressBar(current, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("%8v", units.HumanSize(float64(current)))
	}
	pct := min(int(float64(current)/float64(total)*100)/2, 50)
	return fmt.Sprintf("[%s>%s] %8v/%v", strings.Repeat("=", pct), strings.Repeat(" ", 50-pct),
		units.HumanSize(float64(current)), units.HumanSize(float64(total)))
}
