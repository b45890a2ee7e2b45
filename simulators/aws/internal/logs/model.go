// Package logs serves Amazon CloudWatch Logs (JSON 1.1, target prefix
// Logs_20140328): log groups, log streams, PutLogEvents, GetLogEvents,
// FilterLogEvents, retention and tags. ECS's awslogs driver and Lambda
// write into it through [Service.Append].
//
// API reference: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/.
package logs

import (
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/state"
)

type group struct {
	Region        string            `json:"region"`
	Name          string            `json:"name"`
	CreationTime  int64             `json:"creationTime"`
	RetentionDays *int32            `json:"retentionInDays,omitempty"`
	KmsKeyID      string            `json:"kmsKeyId,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	streams       map[string]*stream
}

type stream struct {
	Name          string `json:"name"`
	CreationTime  int64  `json:"creationTime"`
	LastIngestion int64  `json:"lastIngestionTime,omitempty"`
	events        []event
	batches       int // persisted event batches, named by index
	seq           int64
}

type event struct {
	Timestamp int64  `json:"timestamp"`
	Ingestion int64  `json:"ingestionTime"`
	Message   string `json:"message"`
	Seq       int64  `json:"seq"`
}

// Service is the CloudWatch Logs simulator. Its zero value is not usable;
// call [New].
type Service struct {
	account string
	store   *state.Store
	now     func() time.Time

	mu     sync.RWMutex
	groups map[string]map[string]*group // region -> name -> group
	seq    int64
}

// The catalogue of CloudWatch Logs errors, in AWS's words.
var (
	errGroupNotFound  = awsproto.Errorf(http.StatusBadRequest, "ResourceNotFoundException", "The specified log group does not exist.")
	errStreamNotFound = awsproto.Errorf(http.StatusBadRequest, "ResourceNotFoundException", "The specified log stream does not exist.")
	errGroupExists    = awsproto.Errorf(http.StatusBadRequest, "ResourceAlreadyExistsException", "The specified log group already exists")
	errStreamExists   = awsproto.Errorf(http.StatusBadRequest, "ResourceAlreadyExistsException", "The specified log stream already exists")
	errBadToken       = awsproto.Errorf(http.StatusBadRequest, "InvalidParameterException", "The specified nextToken is invalid.")
)

func invalidParam(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

func (s *Service) groupsIn(region string) map[string]*group {
	m := s.groups[region]
	if m == nil {
		m = map[string]*group{}
		s.groups[region] = m
	}
	return m
}

func (s *Service) group(region, name string) (*group, error) {
	g := s.groups[region][name]
	if g == nil {
		return nil, errGroupNotFound
	}
	return g, nil
}

func (s *Service) stream(region, groupName, name string) (*group, *stream, error) {
	g, err := s.group(region, groupName)
	if err != nil {
		return nil, nil, err
	}
	st := g.streams[name]
	if st == nil {
		return nil, nil, errStreamNotFound
	}
	return g, st, nil
}

func (s *Service) groupARN(region, name string) string {
	return "arn:aws:logs:" + region + ":" + s.account + ":log-group:" + name
}

// insert adds events to st in timestamp order; events with equal
// timestamps keep their arrival order.
func (st *stream) insert(evs []event) {
	for _, e := range evs {
		n := len(st.events)
		if n == 0 || st.events[n-1].Timestamp <= e.Timestamp {
			st.events = append(st.events, e)
			continue
		}
		i := sort.Search(n, func(i int) bool { return st.events[i].Timestamp > e.Timestamp })
		st.events = append(st.events, event{})
		copy(st.events[i+1:], st.events[i:])
		st.events[i] = e
	}
}

func (st *stream) storedBytes() int64 {
	var n int64
	for _, e := range st.events {
		n += int64(len(e.Message)) + 26
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
