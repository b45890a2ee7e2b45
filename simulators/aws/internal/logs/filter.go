package logs

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type filterLogEventsInput struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       string   `json:"filterPattern"`
	NextToken           string   `json:"nextToken"`
	Limit               *int32   `json:"limit"`
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type filterLogEventsOutput struct {
	Events    []filteredEvent `json:"events"`
	NextToken string          `json:"nextToken,omitempty"`
}

func (s *Service) filterLogEvents(ctx context.Context, in *filterLogEventsInput) (*filterLogEventsOutput, error) {
	name := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if name == "" {
		return nil, invalidParam("Should provide either name or identifier")
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	n, err := limit(in.Limit, 10000, 10000)
	if err != nil {
		return nil, err
	}
	match, err := parsePattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	c := awsproto.CallFrom(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.group(c.Region, name)
	if err != nil {
		return nil, err
	}
	var all []filteredEvent
	var keys []string
	for _, st := range g.streams {
		if len(in.LogStreamNames) > 0 && !contains(in.LogStreamNames, st.Name) ||
			!strings.HasPrefix(st.Name, in.LogStreamNamePrefix) {
			continue
		}
		for _, e := range inRange(st.events, in.StartTime, in.EndTime) {
			if match(e.Message) {
				all = append(all, filteredEvent{st.Name, e.Timestamp, e.Message, e.Ingestion, eventID(e)})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].EventID < all[j].EventID })
	for _, e := range all {
		keys = append(keys, e.EventID)
	}
	scope := fmt.Sprintf("FilterLogEvents\x00%s\x00%q", name, in.FilterPattern)
	page, next, err := pagetoken.Page(scope, keys, in.NextToken, n)
	if err != nil {
		return nil, errBadToken
	}
	out := &filterLogEventsOutput{Events: []filteredEvent{}, NextToken: next}
	i := sort.Search(len(all), func(i int) bool { return len(page) == 0 || all[i].EventID >= page[0] })
	out.Events = append(out.Events, all[i:i+len(page)]...)
	return out, nil
}

// eventID orders events by timestamp, then by arrival, in a 56-digit
// decimal string like AWS's event IDs.
func eventID(e event) string { return fmt.Sprintf("%s%036d", sortableInt(e.Timestamp), e.Seq) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// parsePattern compiles the term form of CloudWatch Logs' filter pattern
// syntax: space-separated terms that must all appear, "quoted phrases",
// -term for exclusion, and ?term alternatives (any one must appear).
// The JSON ({ $.x = 1 }) and space-delimited ([a, b]) forms are refused
// with InvalidParameterException naming the simulator's limit.
func parsePattern(p string) (func(string) bool, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return func(string) bool { return true }, nil
	}
	if strings.HasPrefix(p, "{") || strings.HasPrefix(p, "[") || strings.HasPrefix(p, "%") {
		return nil, invalidParam("Invalid filter pattern: the simulator supports term patterns only (JSON, space-delimited and regex patterns are not implemented): %s", p)
	}
	var all, none, any []string
	for p != "" {
		var term string
		prefix := byte(0)
		if p[0] == '?' || p[0] == '-' {
			prefix, p = p[0], p[1:]
		}
		if strings.HasPrefix(p, `"`) {
			end := strings.IndexByte(p[1:], '"')
			if end < 0 {
				return nil, invalidParam("Invalid filter pattern: unterminated quote")
			}
			term, p = p[1:end+1], p[end+2:]
		} else {
			term, p, _ = strings.Cut(p, " ")
		}
		p = strings.TrimSpace(p)
		switch prefix {
		case '?':
			any = append(any, term)
		case '-':
			none = append(none, term)
		default:
			all = append(all, term)
		}
	}
	return func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		if len(any) == 0 {
			return true
		}
		for _, t := range any {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}, nil
}
