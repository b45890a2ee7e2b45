package awssim

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

const role = "arn:aws:iam::123456789012:role/lambda-exec"

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestLambdaImageInvoke(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := lambda.NewFromConfig(cfg)
	ctx := t.Context()
	created, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("calc"), Role: aws.String(role), PackageType: lambdatypes.PackageTypeImage,
		Code: &lambdatypes.FunctionCode{ImageUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/calc:latest")},
		ImageConfig: &lambdatypes.ImageConfig{EntryPoint: []string{"sh", "-c"},
			Command: []string{`read ev; echo "handling $ev" >&2; echo "{\"answer\": $((6*7)), \"from\": \"$AWS_LAMBDA_FUNCTION_NAME\"}"`}},
		Timeout: aws.Int32(5), MemorySize: aws.Int32(256),
		Tags: map[string]string{"team": "ci"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.FunctionArn) != "arn:aws:lambda:us-east-1:123456789012:function:calc" || created.State != lambdatypes.StateActive {
		t.Fatalf("created %+v", created)
	}
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("calc"), Role: aws.String(role),
		PackageType: lambdatypes.PackageTypeImage, Code: &lambdatypes.FunctionCode{ImageUri: aws.String("x")}})
	wantCode(t, err, "ResourceConflictException")

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("calc"), Payload: []byte(`{"n":1}`), LogType: lambdatypes.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if string(out.Payload) != `{"answer": 42, "from": "calc"}`+"\n" || out.FunctionError != nil || out.StatusCode != 200 {
		t.Fatalf("payload %q error %v", out.Payload, out.FunctionError)
	}
	tail, _ := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	for _, want := range []string{"START RequestId:", `handling {"n":1}`, "END RequestId:", "REPORT RequestId:", "Memory Size: 256 MB"} {
		if !strings.Contains(string(tail), want) {
			t.Errorf("log tail lacks %q:\n%s", want, tail)
		}
	}
	f, err := cwl.NewFromConfig(cfg).FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/calc"), FilterPattern: aws.String("REPORT")})
	if err != nil || len(f.Events) != 1 {
		t.Fatalf("REPORT line in logs: %v %+v", err, f)
	}

	// Errors, timeouts and asynchronous invocations.
	c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("calc"), Timeout: aws.Int32(1),
		ImageConfig: &lambdatypes.ImageConfig{EntryPoint: []string{"sh", "-c"}, Command: []string{"exit 3"}}})
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("calc")})
	if err != nil || aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), "Runtime.ExitError") {
		t.Fatalf("exit 3: %v %q", err, out.Payload)
	}
	c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("calc"),
		ImageConfig: &lambdatypes.ImageConfig{EntryPoint: []string{"sleep", "10"}}})
	begin := time.Now()
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("calc")})
	if err != nil || !strings.Contains(string(out.Payload), "Task timed out after 1.00 seconds") || time.Since(begin) > 5*time.Second {
		t.Fatalf("timeout: %v %q after %s", err, out.Payload, time.Since(begin))
	}
	ev, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("calc"), InvocationType: lambdatypes.InvocationTypeEvent})
	if err != nil || ev.StatusCode != 202 {
		t.Fatalf("event: %v %+v", err, ev)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nope")})
	wantCode(t, err, "ResourceNotFoundException")

	g, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("calc")})
	if err != nil || aws.ToString(g.Code.ImageUri) == "" || g.Tags["team"] != "ci" || aws.ToInt32(g.Configuration.Timeout) != 1 {
		t.Fatalf("GetFunction: %v %+v", err, g)
	}
	arn := aws.String("arn:aws:lambda:us-east-1:123456789012:function:calc")
	c.TagResource(ctx, &lambda.TagResourceInput{Resource: arn, Tags: map[string]string{"x": "y"}})
	c.UntagResource(ctx, &lambda.UntagResourceInput{Resource: arn, TagKeys: []string{"team"}})
	tags, err := c.ListTags(ctx, &lambda.ListTagsInput{Resource: arn})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["x"] != "y" {
		t.Errorf("tags: %v %v", err, tags)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("calc")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("calc")})
	wantCode(t, err, "ResourceNotFoundException")
}

func TestLambdaZipInvoke(t *testing.T) {
	_, cfg, _ := start(t, Options{})
	c := lambda.NewFromConfig(cfg)
	ctx := t.Context()
	boot := zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\nread ev\necho \"got $ev\" >&2\necho \"\\\"$GREETING\\\"\"\n"})
	if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("shell"), Role: aws.String(role),
		Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("handler"), Code: &lambdatypes.FunctionCode{ZipFile: boot},
		Environment: &lambdatypes.Environment{Variables: map[string]string{"GREETING": "hi"}}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("shell"), Payload: []byte(`{}`)})
	if err != nil || strings.TrimSpace(string(out.Payload)) != `"hi"` {
		t.Fatalf("bootstrap: %v %q", err, out.Payload)
	}
	py := zipOf(t, map[string]string{"app.py": "def handler(event, context):\n    print('log line')\n    return {'sum': event['a'] + event['b'], 'fn': context.function_name}\n"})
	if _, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("py"), Role: aws.String(role),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("app.handler"), Code: &lambdatypes.FunctionCode{ZipFile: py}}); err != nil {
		t.Fatal(err)
	}
	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{"a":40,"b":2}`)})
	if err != nil || string(out.Payload) != `{"sum": 42, "fn": "py"}` {
		t.Fatalf("python: %v %q %v", err, out.Payload, aws.ToString(out.FunctionError))
	}
	out, _ = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{"a":1}`)})
	if aws.ToString(out.FunctionError) != "Unhandled" || !strings.Contains(string(out.Payload), `"errorType": "KeyError"`) {
		t.Errorf("python exception: %q", out.Payload)
	}
	_, err = c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("nozip"), Role: aws.String(role),
		Runtime: lambdatypes.RuntimePython312, Handler: aws.String("a.b"), Code: &lambdatypes.FunctionCode{ZipFile: []byte("not a zip")}})
	wantCode(t, err, "InvalidParameterValueException")
	list, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{MaxItems: aws.Int32(1)})
	if err != nil || len(list.Functions) != 1 || list.NextMarker == nil {
		t.Fatalf("list: %v %+v", err, list)
	}
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("shell"),
		ZipFile: zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\necho 7\n"})}); err != nil {
		t.Fatal(err)
	}
	out, _ = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("shell")})
	if strings.TrimSpace(string(out.Payload)) != "7" {
		t.Errorf("updated code answered %q", out.Payload)
	}
}
