// Package logs stores container output on disk, one JSON entry per line
// (stream, time, bytes), as dockerd's json-file logging driver does, and
// reads it back with the options of the Docker Engine API's logs endpoint
// (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Container/operation/ContainerLogs):
// since, until, tail and follow.
//
// Output is never kept in memory beyond one partial line per stream.
package logs

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// entry is one line of a log file.
type entry struct {
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
	Data   []byte    `json:"data"`
}

// Writer appends entries to a container's log file and tells followers.
type Writer struct {
	mu      sync.Mutex
	f       *os.File
	changed chan struct{}
	closed  bool
	now     func() time.Time
}

// Create opens the log file at path for appending, creating it when needed.
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	return &Writer{f: f, changed: make(chan struct{}), now: time.Now}, nil
}

// Write appends one entry of stream ("stdout" or "stderr") holding data.
func (w *Writer) Write(stream string, data []byte) error {
	line, err := json.Marshal(entry{Stream: stream, Time: w.now().UTC(), Data: data})
	if err != nil {
		return err
	}
	line = append(line, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return os.ErrClosed
	}
	if _, err := w.f.Write(line); err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	close(w.changed)
	w.changed = make(chan struct{})
	return nil
}

// follow returns a channel closed at the next write or at Close, and
// whether the writer is already closed.
func (w *Writer) follow() (<-chan struct{}, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed, w.closed
}

// Close closes the file; followers drain what is left and stop.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	close(w.changed)
	return w.f.Close()
}
