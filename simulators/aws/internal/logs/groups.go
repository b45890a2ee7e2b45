package logs

import (
	"context"
	"slices"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type createLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	KmsKeyID     string            `json:"kmsKeyId"`
	Tags         map[string]string `json:"tags"`
}

type empty struct{}

func (s *Service) createLogGroup(ctx context.Context, in *createLogGroupInput) (*empty, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	if err := validGroupName(in.LogGroupName); err != nil {
		return nil, err
	}
	c := awsproto.CallFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return &empty{}, s.createGroupLocked(c.Region, in.LogGroupName, in.KmsKeyID, in.Tags)
}

func (s *Service) createGroupLocked(region, name, kms string, tags map[string]string) error {
	groups := s.groupsIn(region)
	if groups[name] != nil {
		return errGroupExists
	}
	g := &group{Region: region, Name: name, CreationTime: s.now().UnixMilli(), KmsKeyID: kms,
		Tags: tags, streams: map[string]*stream{}}
	if err := s.saveGroup(g); err != nil {
		return err
	}
	groups[name] = g
	return nil
}

// validGroupName applies CloudWatch Logs' constraint on group names:
// 1-512 characters from [\.\-_/#A-Za-z0-9]+.
func validGroupName(name string) error {
	ok := len(name) <= 512 && !strings.ContainsFunc(name, func(r rune) bool {
		return !(r == '.' || r == '-' || r == '_' || r == '/' || r == '#' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	})
	if !ok {
		return awsproto.Validation("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
	}
	return nil
}

type groupNameInput struct {
	LogGroupName string `json:"logGroupName"`
}

func (s *Service) deleteLogGroup(ctx context.Context, in *groupNameInput) (*empty, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	c := awsproto.CallFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(c.Region, in.LogGroupName)
	if err != nil {
		return nil, err
	}
	for _, st := range g.streams {
		if err := s.deleteStreamFiles(g, st); err != nil {
			return nil, err
		}
	}
	if err := s.store.Delete(kindGroups, key(g.Region, g.Name)); err != nil {
		return nil, err
	}
	delete(s.groups[c.Region], g.Name)
	return &empty{}, nil
}

type describeLogGroupsInput struct {
	LogGroupNamePrefix  string `json:"logGroupNamePrefix"`
	LogGroupNamePattern string `json:"logGroupNamePattern"`
	NextToken           string `json:"nextToken"`
	Limit               *int32 `json:"limit"`
}

type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	RetentionInDays   *int32 `json:"retentionInDays,omitempty"`
	MetricFilterCount int32  `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	KmsKeyID          string `json:"kmsKeyId,omitempty"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroupOut `json:"logGroups"`
	NextToken string        `json:"nextToken,omitempty"`
}

func limit(l *int32, def, most int32) (int, error) {
	if l == nil {
		return int(def), nil
	}
	if *l < 1 || *l > most {
		return 0, awsproto.Validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *l, most)
	}
	return int(*l), nil
}

func (s *Service) describeLogGroups(ctx context.Context, in *describeLogGroupsInput) (*describeLogGroupsOutput, error) {
	n, err := limit(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, invalidParam("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	c := awsproto.CallFrom(ctx)
	s.mu.RLock()
	defer s.mu.RUnlock()
	groups := s.groups[c.Region]
	var names []string
	for _, name := range sortedKeys(groups) {
		if strings.HasPrefix(name, in.LogGroupNamePrefix) && strings.Contains(name, in.LogGroupNamePattern) {
			names = append(names, name)
		}
	}
	page, next, err := pagetoken.Page("DescribeLogGroups", names, in.NextToken, n)
	if err != nil {
		return nil, errBadToken
	}
	out := &describeLogGroupsOutput{LogGroups: []logGroupOut{}, NextToken: next}
	for _, name := range page {
		g := groups[name]
		var bytes int64
		for _, st := range g.streams {
			bytes += st.storedBytes()
		}
		arn := s.groupARN(g.Region, g.Name)
		out.LogGroups = append(out.LogGroups, logGroupOut{LogGroupName: g.Name, CreationTime: g.CreationTime,
			RetentionInDays: g.RetentionDays, Arn: arn + ":*", LogGroupArn: arn, StoredBytes: bytes,
			KmsKeyID: g.KmsKeyID, LogGroupClass: "STANDARD"})
	}
	return out, nil
}

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

type putRetentionPolicyInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays *int32 `json:"retentionInDays"`
}

func (s *Service) putRetentionPolicy(ctx context.Context, in *putRetentionPolicyInput) (*empty, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	if in.RetentionInDays == nil {
		return nil, awsproto.MissingParam("retentionInDays")
	}
	if !slices.Contains(retentionDays, *in.RetentionInDays) {
		return nil, invalidParam("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: %v", *in.RetentionInDays, retentionDays)
	}
	return s.setRetention(ctx, in.LogGroupName, in.RetentionInDays)
}

func (s *Service) deleteRetentionPolicy(ctx context.Context, in *groupNameInput) (*empty, error) {
	if in.LogGroupName == "" {
		return nil, awsproto.MissingParam("logGroupName")
	}
	return s.setRetention(ctx, in.LogGroupName, nil)
}

func (s *Service) setRetention(ctx context.Context, name string, days *int32) (*empty, error) {
	c := awsproto.CallFrom(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(c.Region, name)
	if err != nil {
		return nil, err
	}
	old := g.RetentionDays
	g.RetentionDays = days
	if err := s.saveGroup(g); err != nil {
		g.RetentionDays = old
		return nil, err
	}
	return &empty{}, nil
}
