package logs

import (
	"context"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type streamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

func (in *streamInput) check() error {
	if in.LogGroupName == "" {
		return awsproto.MissingParam("logGroupName")
	}
	if in.LogStreamName == "" {
		return awsproto.MissingParam("logStreamName")
	}
	if strings.ContainsAny(in.LogStreamName, ":*") {
		return awsproto.Validation("1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", in.LogStreamName)
	}
	return nil
}

func (s *Service) createLogStream(ctx context.Context, in *streamInput) (*empty, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	c := awsproto.CallFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(c.Region, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if g.streams[in.LogStreamName] != nil {
		return nil, errStreamExists
	}
	_, err = s.createStreamLocked(g, in.LogStreamName)
	return &empty{}, err
}

func (s *Service) createStreamLocked(g *group, name string) (*stream, error) {
	st := &stream{Name: name, CreationTime: s.now().UnixMilli()}
	if err := s.saveStream(g, st); err != nil {
		return nil, err
	}
	g.streams[name] = st
	return st, nil
}

func (s *Service) deleteLogStream(ctx context.Context, in *streamInput) (*empty, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	c := awsproto.CallFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, st, err := s.stream(c.Region, in.LogGroupName, in.LogStreamName)
	if err != nil {
		return nil, err
	}
	if err := s.deleteStreamFiles(g, st); err != nil {
		return nil, err
	}
	delete(g.streams, st.Name)
	return &empty{}, nil
}

type describeLogStreamsInput struct {
	LogGroupName        string `json:"logGroupName"`
	LogGroupIdentifier  string `json:"logGroupIdentifier"`
	LogStreamNamePrefix string `json:"logStreamNamePrefix"`
	OrderBy             string `json:"orderBy"`
	Descending          bool   `json:"descending"`
	NextToken           string `json:"nextToken"`
	Limit               *int32 `json:"limit"`
}

type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStreamOut `json:"logStreams"`
	NextToken  string         `json:"nextToken,omitempty"`
}

// groupName accepts a logGroupIdentifier (name or ARN) as AWS does.
func groupName(name, ident string) string {
	if name != "" {
		return name
	}
	if _, after, ok := strings.Cut(ident, ":log-group:"); ok {
		return strings.TrimSuffix(after, ":*")
	}
	return ident
}

func (s *Service) describeLogStreams(ctx context.Context, in *describeLogStreamsInput) (*describeLogStreamsOutput, error) {
	name := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if name == "" {
		return nil, invalidParam("Should provide either name or identifier")
	}
	n, err := limit(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	byTime := false
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		byTime = true
		if in.LogStreamNamePrefix != "" {
			return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, awsproto.Validation("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", in.OrderBy)
	}
	c := awsproto.CallFrom(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.group(c.Region, name)
	if err != nil {
		return nil, err
	}
	var streams []*stream
	for _, st := range g.streams {
		if strings.HasPrefix(st.Name, in.LogStreamNamePrefix) {
			streams = append(streams, st)
		}
	}
	// The sort key doubles as the page token's position: streams never
	// share a name, and the time order breaks ties by name.
	keyOf := func(st *stream) string {
		if !byTime {
			return st.Name
		}
		var last int64 = -1
		if len(st.events) > 0 {
			last = st.events[len(st.events)-1].Timestamp
		}
		return sortableInt(last) + "\x00" + st.Name
	}
	sort.Slice(streams, func(i, j int) bool { return keyOf(streams[i]) < keyOf(streams[j]) })
	if in.Descending {
		for i, j := 0, len(streams)-1; i < j; i, j = i+1, j-1 {
			streams[i], streams[j] = streams[j], streams[i]
		}
	}
	keys := make([]string, len(streams))
	for i := range streams {
		keys[i] = sortableInt(int64(i)) // position within this ordering
	}
	scope := "DescribeLogStreams\x00" + name + "\x00" + in.OrderBy + "\x00" + in.LogStreamNamePrefix
	page, next, err := pagetoken.Page(scope, keys, in.NextToken, n)
	if err != nil {
		return nil, errBadToken
	}
	out := &describeLogStreamsOutput{LogStreams: []logStreamOut{}, NextToken: next}
	for _, k := range page {
		st := streams[parseSortable(k)]
		o := logStreamOut{LogStreamName: st.Name, CreationTime: st.CreationTime, StoredBytes: st.storedBytes(),
			UploadSequenceToken: sortableInt(st.seq),
			Arn:                 s.groupARN(g.Region, g.Name) + ":log-stream:" + st.Name}
		if len(st.events) > 0 {
			first, last, ing := st.events[0].Timestamp, st.events[len(st.events)-1].Timestamp, st.LastIngestion
			o.FirstEventTimestamp, o.LastEventTimestamp, o.LastIngestionTime = &first, &last, &ing
		}
		out.LogStreams = append(out.LogStreams, o)
	}
	return out, nil
}
