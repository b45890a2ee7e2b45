package logs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sockerless/sockerless/api/driver"
)

// Read calls fn with the entries of the log file at path that opts select.
// With opts.Follow and a live writer (the container runs), it then waits
// for new entries until the writer closes or ctx is done. A missing file is
// an empty log.
func Read(ctx context.Context, path string, opts driver.LogOptions, live *Writer, fn func(driver.LogEntry) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer f.Close()
	r := &lineReader{r: bufio.NewReaderSize(f, 64<<10)}

	keep := func(e driver.LogEntry) (emit, stop bool) {
		if !opts.Since.IsZero() && e.Time.Before(opts.Since) {
			return false, false
		}
		if !opts.Until.IsZero() && e.Time.After(opts.Until) {
			return false, true
		}
		return true, false
	}
	if opts.Tail >= 0 {
		ring, stop, err := tail(r, opts.Tail, keep)
		if err != nil {
			return err
		}
		for _, e := range ring {
			if err := fn(e); err != nil {
				return err
			}
		}
		if stop || opts.Tail == 0 && live == nil {
			return nil
		}
	}
	for {
		var changed <-chan struct{}
		closed := true
		if opts.Follow && live != nil {
			changed, closed = live.follow()
		}
		for {
			e, err := r.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			emit, stop := keep(e)
			if stop {
				return nil
			}
			if emit {
				if err := fn(e); err != nil {
					return err
				}
			}
		}
		if closed {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
	}
}

// tail reads r to its end and returns the last n selected entries.
func tail(r *lineReader, n int, keep func(driver.LogEntry) (bool, bool)) ([]driver.LogEntry, bool, error) {
	ring := make([]driver.LogEntry, 0, min(n, 1024))
	for {
		e, err := r.next()
		if err == io.EOF {
			return ring, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		emit, stop := keep(e)
		if stop {
			return ring, true, nil
		}
		if !emit || n == 0 {
			continue
		}
		if len(ring) == n {
			copy(ring, ring[1:])
			ring = ring[:n-1]
		}
		ring = append(ring, e)
	}
}

// lineReader reads whole lines; a partial last line (a write in progress,
// or torn by a crash) is held back until it completes.
type lineReader struct {
	r       *bufio.Reader
	partial []byte
}

// next decodes the next complete entry; lines that do not decode are skipped.
func (l *lineReader) next() (driver.LogEntry, error) {
	for {
		line, err := l.r.ReadBytes('\n')
		if err != nil {
			l.partial = append(l.partial, line...)
			if err == io.EOF {
				return driver.LogEntry{}, io.EOF
			}
			return driver.LogEntry{}, fmt.Errorf("read log: %w", err)
		}
		if len(l.partial) > 0 {
			line = append(l.partial, line...)
			l.partial = nil
		}
		var e entry
		if json.Unmarshal(line, &e) == nil {
			return driver.LogEntry{Stream: e.Stream, Time: e.Time, Data: e.Data}, nil
		}
	}
}
