package logs

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// Limits of PutLogEvents, from the API reference.
const (
	maxBatchEvents = 10000
	maxBatchBytes  = 1048576
	maxEventBytes  = 1048576 - 26
	maxAge         = 14 * 24 * time.Hour
	maxFuture      = 2 * time.Hour
)

// InputEvent is one log event to append.
type InputEvent struct {
	Timestamp *int64 `json:"timestamp"`
	Message   string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  string       `json:"logGroupName"`
	LogStreamName string       `json:"logStreamName"`
	LogEvents     []InputEvent `json:"logEvents"`
	SequenceToken string       `json:"sequenceToken"`
}

type rejectedInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string        `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedInfo `json:"rejectedLogEventsInfo,omitempty"`
}

func (s *Service) putLogEvents(ctx context.Context, in *putLogEventsInput) (*putLogEventsOutput, error) {
	si := streamInput{in.LogGroupName, in.LogStreamName}
	if err := si.check(); err != nil {
		return nil, err
	}
	if in.LogEvents == nil {
		return nil, awsproto.MissingParam("logEvents")
	}
	c := awsproto.CallFrom(ctx)
	return s.put(c.Region, in.LogGroupName, in.LogStreamName, in.LogEvents, false)
}

// Append writes events to a stream the way the awslogs driver and Lambda
// do: the stream is created when missing, and so is the group when
// createGroup is set (awslogs-create-group). A missing group otherwise is
// the ResourceNotFoundException the driver reports.
func (s *Service) Append(region, groupName, streamName string, events []InputEvent, createGroup bool) error {
	if createGroup {
		s.mu.Lock()
		if s.groups[region][groupName] == nil {
			if err := s.createGroupLocked(region, groupName, "", nil); err != nil {
				s.mu.Unlock()
				return err
			}
		}
		s.mu.Unlock()
	}
	_, err := s.put(region, groupName, streamName, events, true)
	return err
}

// CheckGroup reports whether a log group exists, as the awslogs driver
// checks before a container starts.
func (s *Service) CheckGroup(region, name string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, err := s.group(region, name)
	return err
}

func (s *Service) put(region, groupName, streamName string, in []InputEvent, createStream bool) (*putLogEventsOutput, error) {
	if len(in) == 0 || len(in) > maxBatchEvents {
		return nil, awsproto.Validation("1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to %d and greater than or equal to 1", maxBatchEvents)
	}
	now := s.now()
	size := 0
	for i, e := range in {
		if e.Timestamp == nil {
			return nil, awsproto.MissingParam(fmt.Sprintf("logEvents.%d.member.timestamp", i+1))
		}
		if len(e.Message) > maxEventBytes {
			return nil, invalidParam("Log event too large: %d bytes exceeds limit of %d", len(e.Message), maxEventBytes)
		}
		size += len(e.Message) + 26
		if i > 0 && *e.Timestamp < *in[i-1].Timestamp {
			return nil, invalidParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > maxBatchBytes {
		return nil, invalidParam("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	if *in[len(in)-1].Timestamp-*in[0].Timestamp > 24*time.Hour.Milliseconds() {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(region, groupName)
	if err != nil {
		return nil, err
	}
	st := g.streams[streamName]
	if st == nil {
		if !createStream {
			return nil, errStreamNotFound
		}
		if st, err = s.createStreamLocked(g, streamName); err != nil {
			return nil, err
		}
	}
	out := &putLogEventsOutput{}
	oldest, newest := now.Add(-maxAge).UnixMilli(), now.Add(maxFuture).UnixMilli()
	if g.RetentionDays != nil {
		oldest = max(oldest, now.Add(-time.Duration(*g.RetentionDays)*24*time.Hour).UnixMilli())
	}
	evs := make([]event, 0, len(in))
	ing := now.UnixMilli()
	for i, e := range in {
		switch {
		case *e.Timestamp < oldest:
			idx := i
			if out.RejectedLogEventsInfo == nil {
				out.RejectedLogEventsInfo = &rejectedInfo{}
			}
			out.RejectedLogEventsInfo.TooOldLogEventEndIndex = &idx
			continue
		case *e.Timestamp > newest:
			if out.RejectedLogEventsInfo == nil {
				out.RejectedLogEventsInfo = &rejectedInfo{}
			}
			if out.RejectedLogEventsInfo.TooNewLogEventStartIndex == nil {
				idx := i
				out.RejectedLogEventsInfo.TooNewLogEventStartIndex = &idx
			}
			continue
		}
		s.seq++
		evs = append(evs, event{Timestamp: *e.Timestamp, Ingestion: ing, Message: e.Message, Seq: s.seq})
	}
	if len(evs) > 0 {
		if err := s.saveBatch(g, st, evs); err != nil {
			return nil, err
		}
		st.insert(evs)
		st.LastIngestion = ing
		st.seq++
		if err := s.saveStream(g, st); err != nil {
			return nil, err
		}
	}
	out.NextSequenceToken = sortableInt(st.seq)
	return out, nil
}

// sortableInt formats v so that string order is numeric order, negative
// numbers included.
func sortableInt(v int64) string { return fmt.Sprintf("%020d", uint64(v)^1<<63) }

func parseSortable(s string) int64 {
	u, _ := strconv.ParseUint(s, 10, 64)
	return int64(u ^ 1<<63)
}

type outEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsInput struct {
	LogGroupName       string `json:"logGroupName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	LogStreamName      string `json:"logStreamName"`
	StartTime          *int64 `json:"startTime"`
	EndTime            *int64 `json:"endTime"`
	NextToken          string `json:"nextToken"`
	Limit              *int32 `json:"limit"`
	StartFromHead      *bool  `json:"startFromHead"`
}

type getLogEventsOutput struct {
	Events            []outEvent `json:"events"`
	NextForwardToken  string     `json:"nextForwardToken"`
	NextBackwardToken string     `json:"nextBackwardToken"`
}

// getLogEvents pages through one stream. Tokens are positions in the
// stream's time-filtered events: "f/N" reads forward from N, "b/N" reads
// the page that ends before N, as AWS's f/ and b/ tokens do. At either end
// the token handed back is the one passed in, which is how clients know
// to stop.
func (s *Service) getLogEvents(ctx context.Context, in *getLogEventsInput) (*getLogEventsOutput, error) {
	name := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if name == "" {
		return nil, invalidParam("Should provide either name or identifier")
	}
	if in.LogStreamName == "" {
		return nil, awsproto.MissingParam("logStreamName")
	}
	n, err := limit(in.Limit, 10000, 10000)
	if err != nil {
		return nil, err
	}
	c := awsproto.CallFrom(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, st, err := s.stream(c.Region, name, in.LogStreamName)
	if err != nil {
		return nil, err
	}
	evs := inRange(st.events, in.StartTime, in.EndTime)
	var start, end int
	switch {
	case in.NextToken == "":
		if in.StartFromHead != nil && *in.StartFromHead {
			start, end = 0, min(n, len(evs))
		} else {
			start, end = max(0, len(evs)-n), len(evs)
		}
	default:
		dir, pos, err := parseEventToken(in.NextToken, len(evs))
		if err != nil {
			return nil, err
		}
		if dir == 'f' {
			start, end = pos, min(pos+n, len(evs))
		} else {
			start, end = max(0, pos-n), pos
		}
	}
	end = start + bytesLimit(evs[start:end])
	out := &getLogEventsOutput{Events: make([]outEvent, 0, end-start),
		NextForwardToken: "f/" + strconv.Itoa(end), NextBackwardToken: "b/" + strconv.Itoa(start)}
	for _, e := range evs[start:end] {
		out.Events = append(out.Events, outEvent{e.Timestamp, e.Message, e.Ingestion})
	}
	return out, nil
}

func parseEventToken(tok string, n int) (byte, int, error) {
	dir, num, ok := strings.Cut(tok, "/")
	pos, err := strconv.Atoi(num)
	if !ok || err != nil || (dir != "f" && dir != "b") || pos < 0 {
		return 0, 0, errBadToken
	}
	return dir[0], min(pos, n), nil
}

// bytesLimit returns how many of evs fit in GetLogEvents' 1 MB answer.
func bytesLimit(evs []event) int {
	size := 0
	for i, e := range evs {
		size += len(e.Message) + 26
		if size > maxBatchBytes {
			return max(i, 1)
		}
	}
	return len(evs)
}

func inRange(evs []event, from, to *int64) []event {
	if from == nil && to == nil {
		return evs
	}
	out := make([]event, 0, len(evs))
	for _, e := range evs {
		if (from == nil || e.Timestamp >= *from) && (to == nil || e.Timestamp < *to) {
			out = append(out, e)
		}
	}
	return out
}
