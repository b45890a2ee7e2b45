package awssim

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/google/go-cmp/cmp"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae interface{ ErrorCode() string } // smithy.APIError, or the simulator's own *awsproto.Error
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}

func putEvents(t *testing.T, c *cwl.Client, group, stream string, msgs ...string) {
	t.Helper()
	now := time.Now().UnixMilli()
	var evs []cwltypes.InputLogEvent
	for i, m := range msgs {
		evs = append(evs, cwltypes.InputLogEvent{Message: aws.String(m), Timestamp: aws.Int64(now + int64(i))})
	}
	if _, err := c.PutLogEvents(t.Context(), &cwl.PutLogEventsInput{LogGroupName: &group, LogStreamName: &stream, LogEvents: evs}); err != nil {
		t.Fatal(err)
	}
}

func TestLogGroupsAndStreams(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := cwl.NewFromConfig(cfg)
	ctx := t.Context()
	for _, g := range []string{"/ecs/b", "/ecs/a", "/lambda/x"} {
		if _, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(g), Tags: map[string]string{"team": "ci"}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/ecs/a")})
	wantCode(t, err, "ResourceAlreadyExistsException")

	// Pagination walks every group once, in name order.
	var names []string
	p := cwl.NewDescribeLogGroupsPaginator(c, &cwl.DescribeLogGroupsInput{Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
		}
	}
	if d := cmp.Diff([]string{"/ecs/a", "/ecs/b", "/lambda/x"}, names); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
	out, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/lambda")})
	if err != nil || len(out.LogGroups) != 1 || aws.ToString(out.LogGroups[0].Arn) != "arn:aws:logs:us-east-1:123456789012:log-group:/lambda/x:*" {
		t.Fatalf("prefix: %v %+v", err, out)
	}
	_, err = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{NextToken: aws.String("garbage")})
	wantCode(t, err, "InvalidParameterException")

	// Retention.
	if _, err := c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/ecs/a"), RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("/ecs/a"), RetentionInDays: aws.Int32(2)})
	wantCode(t, err, "InvalidParameterException")
	out, _ = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/a")})
	if aws.ToInt32(out.LogGroups[0].RetentionInDays) != 7 {
		t.Errorf("retention = %v", out.LogGroups[0].RetentionInDays)
	}
	if _, err := c.DeleteRetentionPolicy(ctx, &cwl.DeleteRetentionPolicyInput{LogGroupName: aws.String("/ecs/a")}); err != nil {
		t.Fatal(err)
	}

	// Streams ordered by name and by last event time.
	for _, s := range []string{"s2", "s1", "s3"} {
		if _, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/ecs/a"), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/ecs/a"), LogStreamName: aws.String("s1")})
	wantCode(t, err, "ResourceAlreadyExistsException")
	_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/nope"), LogStreamName: aws.String("s1")})
	wantCode(t, err, "ResourceNotFoundException")
	putEvents(t, c, "/ecs/a", "s3", "first")
	time.Sleep(2 * time.Millisecond)
	putEvents(t, c, "/ecs/a", "s1", "second")
	streams := func(in *cwl.DescribeLogStreamsInput) []string {
		in.LogGroupName = aws.String("/ecs/a")
		out, err := c.DescribeLogStreams(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, st := range out.LogStreams {
			s = append(s, aws.ToString(st.LogStreamName))
		}
		return s
	}
	if d := cmp.Diff([]string{"s1", "s2", "s3"}, streams(&cwl.DescribeLogStreamsInput{})); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"s1", "s3", "s2"}, streams(&cwl.DescribeLogStreamsInput{OrderBy: cwltypes.OrderByLastEventTime, Descending: aws.Bool(true)})); d != "" {
		t.Error(d)
	}
	_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/ecs/a"), OrderBy: cwltypes.OrderByLastEventTime, LogStreamNamePrefix: aws.String("s")})
	wantCode(t, err, "InvalidParameterException")

	// Tags, both APIs.
	arn := "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/a"
	if _, err := c.TagResource(ctx, &cwl.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"env": "test"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &cwl.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &cwl.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil || !cmp.Equal(tags.Tags, map[string]string{"env": "test"}) {
		t.Errorf("tags = %v, %v", tags, err)
	}
	old, err := c.ListTagsLogGroup(ctx, &cwl.ListTagsLogGroupInput{LogGroupName: aws.String("/ecs/b")})
	if err != nil || old.Tags["team"] != "ci" {
		t.Errorf("legacy tags = %v, %v", old, err)
	}

	if _, err := c.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("/ecs/a"), LogStreamName: aws.String("s2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/a")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/a")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestLogEvents(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := cwl.NewFromConfig(cfg)
	ctx := t.Context()
	c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("g")})
	c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a")})
	c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("b")})
	var msgs []string
	for i := range 25 {
		msgs = append(msgs, fmt.Sprintf("line %02d", i))
	}
	putEvents(t, c, "g", "a", msgs...)
	putEvents(t, c, "g", "b", "ERROR disk full", "INFO ok", "ERROR timeout")

	// Out of order and missing stream.
	now := time.Now().UnixMilli()
	_, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a"),
		LogEvents: []cwltypes.InputLogEvent{{Message: aws.String("x"), Timestamp: aws.Int64(now)}, {Message: aws.String("y"), Timestamp: aws.Int64(now - 1)}}})
	wantCode(t, err, "InvalidParameterException")
	_, err = c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("zz"),
		LogEvents: []cwltypes.InputLogEvent{{Message: aws.String("x"), Timestamp: aws.Int64(now)}}})
	wantCode(t, err, "ResourceNotFoundException")
	old, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("b"),
		LogEvents: []cwltypes.InputLogEvent{{Message: aws.String("ancient"), Timestamp: aws.Int64(now - 15*24*3600*1000)}}})
	if err != nil || old.RejectedLogEventsInfo == nil || aws.ToInt32(old.RejectedLogEventsInfo.TooOldLogEventEndIndex) != 0 {
		t.Errorf("too old: %v %+v", err, old)
	}

	// Forward paging from the head, 10 at a time, until the token repeats.
	var got []string
	var tok *string
	for range 10 {
		out, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a"),
			StartFromHead: aws.Bool(true), Limit: aws.Int32(10), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
		if tok != nil && aws.ToString(out.NextForwardToken) == *tok {
			break
		}
		tok = out.NextForwardToken
	}
	if d := cmp.Diff(msgs, got); d != "" {
		t.Errorf("forward (-want +got):\n%s", d)
	}
	// Without startFromHead the newest page comes first; backward tokens go back.
	out, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a"), Limit: aws.Int32(10)})
	if err != nil || aws.ToString(out.Events[0].Message) != "line 15" {
		t.Fatalf("tail page: %v %v", err, out)
	}
	back, err := c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a"), Limit: aws.Int32(10), NextToken: out.NextBackwardToken})
	if err != nil || len(back.Events) != 10 || aws.ToString(back.Events[0].Message) != "line 05" {
		t.Fatalf("backward page: %v %v", err, back)
	}
	_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a"), NextToken: aws.String("x/1")})
	wantCode(t, err, "InvalidParameterException")

	// FilterLogEvents across streams with a term pattern.
	f, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String("ERROR -timeout")})
	if err != nil || len(f.Events) != 1 || aws.ToString(f.Events[0].Message) != "ERROR disk full" || aws.ToString(f.Events[0].LogStreamName) != "b" {
		t.Fatalf("filter: %v %+v", err, f)
	}
	var n int
	fp := cwl.NewFilterLogEventsPaginator(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), Limit: aws.Int32(7)})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Events)
	}
	if n != 28 {
		t.Errorf("paged filter saw %d events, want 28", n)
	}
	_, err = c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String("{ $.level = \"x\" }")})
	wantCode(t, err, "InvalidParameterException")
}

func TestLogsPersist(t *testing.T) {
	dir := t.TempDir()
	_, cfg, _ := start(t, Options{DataDir: dir})
	c := cwl.NewFromConfig(cfg)
	c.CreateLogGroup(t.Context(), &cwl.CreateLogGroupInput{LogGroupName: aws.String("g")})
	c.CreateLogStream(t.Context(), &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	putEvents(t, c, "g", "s", "kept", "across")
	putEvents(t, c, "g", "s", "restarts")

	_, cfg2, _ := start(t, Options{DataDir: dir}) // a second process on the same directory
	out, err := cwl.NewFromConfig(cfg2).GetLogEvents(t.Context(), &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range out.Events {
		got = append(got, aws.ToString(e.Message))
	}
	if d := cmp.Diff([]string{"kept", "across", "restarts"}, got); d != "" {
		t.Error(d)
	}
}
