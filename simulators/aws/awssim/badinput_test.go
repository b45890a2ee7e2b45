package awssim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signed builds a request signed as the SDK signs it, for the error paths
// the SDK's own client-side validation never lets through.
func signed(t testing.TB, method, url, service string, header map[string]string, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	sum := sha256Hex([]byte(body))
	err = v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: TestAccessKey, SecretAccessKey: TestSecretKey},
		req, sum, service, "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return req
}

var badInputTests = []struct {
	name, service, target, ctype, path, body string
	status                                   int
	code                                     string
}{
	{"unknown JSON operation", "logs", "Logs_20140328.Nope", "application/x-amz-json-1.1", "/", "{}", 400, "UnknownOperationException"},
	{"unknown JSON service", "foo", "Foo_2020.Bar", "application/x-amz-json-1.1", "/", "{}", 400, "UnknownOperationException"},
	{"malformed JSON", "logs", "Logs_20140328.CreateLogGroup", "application/x-amz-json-1.1", "/", `{"logGroupName":`, 400, "SerializationException"},
	{"wrong type", "ecs", "AmazonEC2ContainerServiceV20141113.RunTask", "application/x-amz-json-1.1", "/", `{"taskDefinition":"x","count":"ten"}`, 400, "SerializationException"},
	{"missing parameter", "logs", "Logs_20140328.CreateLogGroup", "application/x-amz-json-1.1", "/", `{}`, 400, "ValidationException"},
	{"missing ECS parameter", "ecs", "AmazonEC2ContainerServiceV20141113.RunTask", "application/x-amz-json-1.1", "/", `{}`, 400, "ValidationException"},
	{"bad ECS value", "ecs", "AmazonEC2ContainerServiceV20141113.RunTask", "application/x-amz-json-1.1", "/", `{"taskDefinition":"x","count":11}`, 400, "InvalidParameterException"},
	{"missing ECR parameter", "ecr", "AmazonEC2ContainerRegistry_V20150921.CreateRepository", "application/x-amz-json-1.1", "/", `{}`, 400, "ValidationException"},
	{"missing Cloud Map parameter", "servicediscovery", "Route53AutoNaming_v20170314.CreatePrivateDnsNamespace", "application/x-amz-json-1.1", "/", `{"Name":"a.local"}`, 400, "InvalidInput"},
	{"Cloud Map wrong type", "servicediscovery", "Route53AutoNaming_v20170314.RegisterInstance", "application/x-amz-json-1.1", "/", `{"ServiceId":"srv-x","InstanceId":"i","Attributes":["a"]}`, 400, "SerializationException"},
	{"Cloud Map unknown service", "servicediscovery", "Route53AutoNaming_v20170314.GetService", "application/x-amz-json-1.1", "/", `{"Id":"srv-none"}`, 400, "ServiceNotFound"},
	{"EFS malformed JSON", "elasticfilesystem", "", "application/json", "/2015-02-01/file-systems", `{"CreationToken":`, 400, "SerializationException"},
	{"EFS wrong type", "elasticfilesystem", "", "application/json", "/2015-02-01/file-systems", `{"CreationToken":7}`, 400, "SerializationException"},
	{"EFS missing parameter", "elasticfilesystem", "", "application/json", "/2015-02-01/mount-targets", `{"SubnetId":"subnet-1"}`, 400, "BadRequest"},
	{"EFS unknown file system", "elasticfilesystem", "", "application/json", "/2015-02-01/access-points", `{"ClientToken":"c","FileSystemId":"fs-1"}`, 404, "FileSystemNotFound"},
	{"EFS unknown route", "elasticfilesystem", "", "application/json", "/2015-02-01/nothing", ``, 404, "UnknownOperationException"},
	{"unknown query action", "sts", "", "application/x-www-form-urlencoded", "/", "Action=Nope&Version=2011-06-15", 400, "InvalidAction"},
	{"missing query action", "sts", "", "application/x-www-form-urlencoded", "/", "Version=2011-06-15", 400, "MissingAction"},
	{"malformed query", "sts", "", "application/x-www-form-urlencoded", "/", "Action=%zz", 400, "MalformedQueryString"},
	{"lambda malformed JSON", "lambda", "", "application/json", "/2015-03-31/functions", `{"FunctionName":`, 400, "SerializationException"},
	{"lambda unknown route", "lambda", "", "application/json", "/2015-03-31/nothing", ``, 404, "UnknownOperationException"},
	{"unknown service", "kinesis", "", "application/json", "/", ``, 400, "UnknownServiceException"},
}

func TestBadInput(t *testing.T) {
	_, _, url := start(t, Options{})
	for _, tc := range badInputTests {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": tc.ctype}
			if tc.target != "" {
				h["X-Amz-Target"] = tc.target
			}
			resp, err := http.DefaultTransport.RoundTrip(signed(t, "POST", url+tc.path, tc.service, h, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			code := resp.Header.Get("X-Amzn-Errortype")
			if code == "" {
				code = xmlCode(b)
			}
			if resp.StatusCode != tc.status || code != tc.code {
				t.Errorf("%d %s (%s), want %d %s", resp.StatusCode, code, b, tc.status, tc.code)
			}
		})
	}
}

func xmlCode(b []byte) string {
	_, rest, ok := strings.Cut(string(b), "<Code>")
	if !ok {
		return ""
	}
	code, _, _ := strings.Cut(rest, "</Code>")
	return code
}

// FuzzJSONOperations sends arbitrary bodies to every JSON 1.1 operation:
// the answer is always an AWS envelope, never a 5xx or a dropped
// connection.
func FuzzJSONOperations(f *testing.F) {
	for _, tc := range badInputTests {
		if tc.target != "" {
			f.Add(tc.target, tc.body)
		}
	}
	f.Add("AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition", `{"family":"f","containerDefinitions":[{"name":"a","image":"b"}]}`)
	f.Add("AmazonEC2ContainerServiceV20141113.DescribeTasks", `{"tasks":["x"]}`)
	f.Add("Logs_20140328.PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}`)
	f.Add("Logs_20140328.GetLogEvents", `{"logGroupName":"g","logStreamName":"s","nextToken":"f/9"}`)
	f.Add("AmazonEC2ContainerRegistry_V20150921.PutImage", `{"repositoryName":"r","imageManifest":"{}"}`)
	f.Add("Route53AutoNaming_v20170314.DiscoverInstances", `{"NamespaceName":"n","ServiceName":"s","HealthStatus":"ALL"}`)
	f.Add("Route53AutoNaming_v20170314.CreateService", `{"Name":"s","NamespaceId":"ns-x","DnsConfig":{"DnsRecords":[{"Type":"CNAME","TTL":1}]}}`)
	sim, err := New(f.Context(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer sim.Close()
	h := sim.Handler()
	ops := map[string][]string{}
	for prefix, svc := range sim.json {
		for op := range svc.Ops {
			ops[prefix] = append(ops[prefix], op)
		}
	}
	auth := "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/x/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64)
	f.Fuzz(func(t *testing.T, target, body string) {
		// Half the inputs go to a real operation, whatever the target says.
		prefix, _, _ := strings.Cut(target, ".")
		if list := ops[prefix]; len(list) > 0 && len(body)%2 == 0 {
			target = prefix + "." + list[len(body)%len(list)]
		}
		if strings.Contains(target, "RunTask") {
			return // would start processes
		}
		req := httptest.NewRequest("POST", "/", bytes.NewReader([]byte(body)))
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("X-Amz-Date", "20261123T000000Z")
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", target, body, rec.Code, rec.Body)
		}
		if rec.Code != 200 {
			var e struct {
				Type string `json:"__type"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Type == "" {
				t.Fatalf("%s %q: not an AWS error envelope: %s", target, body, rec.Body)
			}
		}
	})
}
