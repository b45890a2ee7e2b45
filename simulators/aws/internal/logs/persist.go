package logs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/simulators/core/state"
)

const (
	kindGroups  = "logs/groups"
	kindStreams = "logs/streams"
	kindEvents  = "logs/events"
)

// New returns a CloudWatch Logs service for account that persists to store
// and reads the clock from now (nil: time.Now).
func New(account string, store *state.Store, now func() time.Time) (*Service, error) {
	if now == nil {
		now = time.Now
	}
	s := &Service{account: account, store: store, now: now, groups: map[string]map[string]*group{}}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

func key(parts ...string) string { return strings.Join(parts, "\x00") }

type streamRecord struct {
	Region string  `json:"region"`
	Group  string  `json:"group"`
	Stream *stream `json:"stream"`
}

func (s *Service) saveGroup(g *group) error { return s.store.Put(kindGroups, key(g.Region, g.Name), g) }

func (s *Service) saveStream(g *group, st *stream) error {
	return s.store.Put(kindStreams, key(g.Region, g.Name, st.Name), streamRecord{g.Region, g.Name, st})
}

func (s *Service) saveBatch(g *group, st *stream, evs []event) error {
	if !s.store.Persistent() {
		return nil
	}
	id := key(g.Region, g.Name, st.Name, fmt.Sprintf("%012d", st.batches))
	st.batches++
	return s.store.Put(kindEvents, id, evs)
}

func (s *Service) deleteStreamFiles(g *group, st *stream) error {
	for i := range st.batches {
		if err := s.store.Delete(kindEvents, key(g.Region, g.Name, st.Name, fmt.Sprintf("%012d", i))); err != nil {
			return err
		}
	}
	return s.store.Delete(kindStreams, key(g.Region, g.Name, st.Name))
}

func (s *Service) load() error {
	err := s.store.Load(kindGroups, func(_ string, b []byte) error {
		g := &group{}
		if err := json.Unmarshal(b, g); err != nil {
			return err
		}
		g.streams = map[string]*stream{}
		s.groupsIn(g.Region)[g.Name] = g
		return nil
	})
	if err != nil {
		return err
	}
	err = s.store.Load(kindStreams, func(_ string, b []byte) error {
		var r streamRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		if g := s.groups[r.Region][r.Group]; g != nil && r.Stream != nil {
			g.streams[r.Stream.Name] = r.Stream
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.store.Load(kindEvents, func(id string, b []byte) error {
		p := strings.Split(id, "\x00")
		if len(p) != 4 {
			return nil
		}
		g := s.groups[p[0]][p[1]]
		if g == nil || g.streams[p[2]] == nil {
			return nil
		}
		st := g.streams[p[2]]
		var evs []event
		if err := json.Unmarshal(b, &evs); err != nil {
			return err
		}
		st.insert(evs)
		if n, _ := strconv.Atoi(p[3]); n+1 > st.batches {
			st.batches = n + 1
		}
		for _, e := range evs {
			s.seq = max(s.seq, e.Seq)
		}
		return nil
	})
}
