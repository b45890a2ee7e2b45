package logs

import (
	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// Target is the X-Amz-Target prefix of CloudWatch Logs.
const Target = "Logs_20140328"

// JSON returns the service's JSON 1.1 operations.
func (s *Service) JSON() awsproto.JSONService {
	return awsproto.JSONService{Prefix: Target, Ops: map[string]awsproto.Op{
		"CreateLogGroup":        awsproto.Typed(s.createLogGroup),
		"DeleteLogGroup":        awsproto.Typed(s.deleteLogGroup),
		"DescribeLogGroups":     awsproto.Typed(s.describeLogGroups),
		"CreateLogStream":       awsproto.Typed(s.createLogStream),
		"DeleteLogStream":       awsproto.Typed(s.deleteLogStream),
		"DescribeLogStreams":    awsproto.Typed(s.describeLogStreams),
		"PutLogEvents":          awsproto.Typed(s.putLogEvents),
		"GetLogEvents":          awsproto.Typed(s.getLogEvents),
		"FilterLogEvents":       awsproto.Typed(s.filterLogEvents),
		"PutRetentionPolicy":    awsproto.Typed(s.putRetentionPolicy),
		"DeleteRetentionPolicy": awsproto.Typed(s.deleteRetentionPolicy),
		"TagLogGroup":           awsproto.Typed(s.tagLogGroup),
		"UntagLogGroup":         awsproto.Typed(s.untagLogGroup),
		"ListTagsLogGroup":      awsproto.Typed(s.listTagsLogGroup),
		"TagResource":           awsproto.Typed(s.tagResource),
		"UntagResource":         awsproto.Typed(s.untagResource),
		"ListTagsForResource":   awsproto.Typed(s.listTagsForResource),
	}}
}
