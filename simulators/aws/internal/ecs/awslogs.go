package ecs

import (
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/core/process"
)

// shipper is the awslogs log driver of one container: it batches output
// lines and puts them into the container's stream every flushEvery, as
// the driver's non-blocking mode does.
type shipper struct {
	logs                  *logs.Service
	region, group, stream string
	create                bool
	now                   func() time.Time

	mu   sync.Mutex
	evs  []logs.InputEvent
	lws  []*process.LineWriter
	stop chan struct{}
	done chan struct{}
}

const flushEvery = 100 * time.Millisecond

// prepareLogs makes a shipper per container with the awslogs driver (nil
// for the others) and checks each log group as the driver does before a
// container starts.
func (s *Service) prepareLogs(t *task) ([]*shipper, error) {
	out := make([]*shipper, len(t.Containers))
	for i, c := range t.Containers {
		lc := c.def.LogConfiguration
		if lc == nil || lc.LogDriver != "awslogs" {
			continue
		}
		o := lc.Options
		sh := &shipper{logs: s.logs, region: o["awslogs-region"], group: o["awslogs-group"],
			create: o["awslogs-create-group"] == "true", now: s.now,
			stop: make(chan struct{}), done: make(chan struct{})}
		if sh.region == "" {
			sh.region = t.Region
		}
		sh.stream = c.Name + "/" + t.id()
		if p := o["awslogs-stream-prefix"]; p != "" {
			sh.stream = p + "/" + sh.stream
		}
		if sh.group == "" {
			return out, errLogger("awslogs-group is required")
		}
		if !sh.create {
			if err := s.logs.CheckGroup(sh.region, sh.group); err != nil {
				return out, errLogger("failed to create Cloudwatch log stream: " + err.Error())
			}
		}
		out[i] = sh
		go sh.loop()
	}
	return out, nil
}

type loggerError string

func (e loggerError) Error() string { return string(e) }

func errLogger(msg string) error {
	return loggerError("ResourceInitializationError: failed to validate logger args: " + msg + " : exit status 1")
}

func (sh *shipper) writer() *process.LineWriter {
	lw := &process.LineWriter{Emit: func(line string) {
		sh.mu.Lock()
		ts := sh.now().UnixMilli()
		sh.evs = append(sh.evs, logs.InputEvent{Timestamp: &ts, Message: line})
		sh.mu.Unlock()
	}}
	sh.mu.Lock()
	sh.lws = append(sh.lws, lw)
	sh.mu.Unlock()
	return lw
}

func (sh *shipper) loop() {
	defer close(sh.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			sh.flush()
		case <-sh.stop:
			sh.flush()
			return
		}
	}
}

func (sh *shipper) flush() {
	sh.mu.Lock()
	evs := sh.evs
	sh.evs = nil
	sh.mu.Unlock()
	for len(evs) > 0 {
		n, size := 0, 0
		for n < len(evs) && n < 10000 && size+len(evs[n].Message)+26 <= 1048576 {
			size += len(evs[n].Message) + 26
			n++
		}
		n = max(n, 1)
		// Errors have nowhere to go but the driver's own log, as with
		// the real awslogs driver; the simulator's events stay ordered.
		_ = sh.logs.Append(sh.region, sh.group, sh.stream, evs[:n], sh.create)
		evs = evs[n:]
	}
}

// close emits unterminated last lines and ships everything left.
func (sh *shipper) close() {
	sh.mu.Lock()
	lws := sh.lws
	sh.mu.Unlock()
	for _, lw := range lws {
		lw.Close()
	}
	close(sh.stop)
	<-sh.done
}
