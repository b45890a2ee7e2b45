package ec2

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/state"
)

var serveSeeds = []string{
	"Version=2016-11-15",
	"Action=RunInstances&Version=2016-11-15",
	"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16",
	"Action=CreateSubnet&Version=2016-11-15&VpcId=vpc-1&CidrBlock=10.0.0.0/24",
	"Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=tag:Name&Filter.1.Value.1=*a?",
	"Action=DescribeVpcs&Version=2016-11-15&MaxResults=5&NextToken=abc",
	"Action=CreateTags&Version=2016-11-15&ResourceId.1=vpc-1&Tag.1.Key=k",
	"Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupName=default&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2&IpPermissions.1.IpRanges.1.CidrIp=1.2.3.4/32",
	"Action=RevokeSecurityGroupEgress&Version=2016-11-15&GroupName=default&IpPermissions.1.IpProtocol=-1&IpPermissions.1.Groups.1.GroupName=default",
	"Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-1&DestinationCidrBlock=0.0.0.0/0&GatewayId=igw-1",
	"Action=AllocateAddress&Version=2016-11-15&Domain=vpc",
	"Action=DeleteTags&Version=2016-11-15&ResourceId.1=sg-1&Tag.1.Key=k&Tag.1.Value=",
}

// FuzzServe sends arbitrary Query bodies to EC2: the answer is always 200
// or an EC2 <Response><Errors> envelope with a 4xx status, never a 5xx
// or a panic.
func FuzzServe(f *testing.F) {
	for _, s := range serveSeeds {
		f.Add(s)
	}
	s, err := New("123456789012", &state.Store{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req = req.WithContext(awsproto.WithCall(req.Context(), awsproto.Call{RequestID: "r", Region: "us-east-1", Account: "123456789012"}))
		rec := httptest.NewRecorder()
		form, err := awsproto.ParseForm(req, []byte(body))
		if err != nil {
			return
		}
		s.Serve(rec, req, form)
		if rec.Code >= 500 {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
		}
		if rec.Code != 200 && !strings.Contains(rec.Body.String(), "<Response><Errors><Error><Code>") {
			t.Fatalf("%q: not EC2's error envelope: %s", body, rec.Body)
		}
	})
}

var globTests = []struct {
	pattern, s string
	want       bool
}{
	{"*", "", true},
	{"ma*", "main", true},
	{"m?in", "main", true},
	{"m?in", "mn", false},
	{"10.0.*", "10.0.1.0/24", true},
	{"*a*b*", "xaxxb", true},
	{"a", "ab", false},
}

func TestGlob(t *testing.T) {
	for _, tc := range globTests {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

// FuzzGlob checks that a pattern without wildcards matches only itself
// and that "*"+s+"*" matches anything containing s.
func FuzzGlob(f *testing.F) {
	for _, tc := range globTests {
		f.Add(tc.pattern, tc.s)
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		if !strings.ContainsAny(p, "*?") && glob(p, s) != (p == s) {
			t.Fatalf("glob(%q, %q) without wildcards", p, s)
		}
		if !strings.ContainsAny(p, "*?") && strings.Contains(s, p) && !glob("*"+p+"*", s) {
			t.Fatalf("glob(*%q*, %q)", p, s)
		}
	})
}
