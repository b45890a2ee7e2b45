package efs

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// FuzzHandler sends arbitrary requests to EFS's routes: every answer is
// 2xx or EFS's error envelope with a 4xx status, never a 5xx or a panic.
func FuzzHandler(f *testing.F) {
	f.Add("POST", "/2015-02-01/file-systems", `{"CreationToken":"t","ThroughputMode":"provisioned","ProvisionedThroughputInMibps":0}`)
	f.Add("GET", "/2015-02-01/file-systems?MaxItems=1&Marker=x", ``)
	f.Add("POST", "/2015-02-01/mount-targets", `{"FileSystemId":"fs-1","SubnetId":"subnet-1","IpAddress":"10.0.0.1"}`)
	f.Add("GET", "/2015-02-01/mount-targets?AccessPointId=fsap-1", ``)
	f.Add("POST", "/2015-02-01/access-points", `{"ClientToken":"c","FileSystemId":"fs-1","RootDirectory":{"Path":"/a//b","CreationInfo":{"OwnerUid":1,"OwnerGid":1,"Permissions":"999"}}}`)
	f.Add("PUT", "/2015-02-01/file-systems/fs-1/lifecycle-configuration", `{"LifecyclePolicies":[{"TransitionToIA":"NEVER"}]}`)
	f.Add("DELETE", "/2015-02-01/resource-tags/fs-1?tagKeys=a", ``)
	f.Add("POST", "/2015-02-01/resource-tags/arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1", `{"Tags":[{"Key":"aws:x"}]}`)
	store := &state.Store{}
	net, err := ec2.New("123456789012", store)
	if err != nil {
		f.Fatal(err)
	}
	s, err := New("123456789012", store, net, f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, target, b string) {
		switch method {
		case "GET", "POST", "PUT", "DELETE":
		default:
			return
		}
		if u, err := url.ParseRequestURI(target); err != nil || u.Host != "" || strings.ContainsAny(target, " \r\n#") {
			return // not a request line a client could send
		}
		req := httptest.NewRequest(method, target, strings.NewReader(b))
		req = req.WithContext(awsproto.WithCall(req.Context(), awsproto.Call{RequestID: "r", Region: "us-east-1"}))
		rec := httptest.NewRecorder()
		s.Handler(func(r *http.Request) []byte { return []byte(b) }).ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, target, b, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct{ ErrorCode string }
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.ErrorCode == "" || rec.Header().Get("X-Amzn-Errortype") != e.ErrorCode {
				t.Fatalf("%s %s %q: not EFS's error envelope: %s", method, target, b, rec.Body)
			}
		}
	})
}
