package awssim

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var ec2BadInputTests = []struct {
	name, body string
	code       string
}{
	{"missing action", "Version=2016-11-15", "MissingAction"},
	{"unknown action", "Action=RunInstances&Version=2016-11-15", "InvalidAction"},
	{"missing CidrBlock", "Action=CreateVpc&Version=2016-11-15", "MissingParameter"},
	{"missing GroupDescription", "Action=CreateSecurityGroup&Version=2016-11-15&GroupName=x", "MissingParameter"},
	{"wrong type", "Action=DescribeVpcs&Version=2016-11-15&MaxResults=ten", "InvalidParameterValue"},
	{"malformed ID", "Action=DeleteSubnet&Version=2016-11-15&SubnetId=sub", "InvalidSubnetID.Malformed"},
	{"unknown ID", "Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-0123456789abcdef0", "InvalidVpcID.NotFound"},
	{"unknown protocol", "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupName=default&IpPermissions.1.IpProtocol=gopher", "InvalidParameterValue"},
	{"no permissions", "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupName=default", "MissingParameter"},
	{"dry run", "Action=DescribeVpcs&Version=2016-11-15&DryRun=true", "DryRunOperation"},
	{"malformed body", "Action=%zz&Version=2016-11-15", "MalformedQueryString"},
	{"bad tag spec", "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16&TagSpecification.1.ResourceType=subnet", "InvalidParameterValue"},
	{"route without target", "Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-00000000000000000&DestinationCidrBlock=0.0.0.0/0", "InvalidRouteTableID.NotFound"},
	{"public NAT without EIP", "Action=CreateNatGateway&Version=2016-11-15&SubnetId=subnet-00000000000000000", "InvalidSubnetID.NotFound"},
}

// TestEC2BadInput sends what the SDK's own validation never lets through;
// every answer is EC2's <Response><Errors> envelope with a 4xx status.
func TestEC2BadInput(t *testing.T) {
	_, _, url := start(t, Options{})
	for _, tc := range ec2BadInputTests {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			resp, err := http.DefaultTransport.RoundTrip(signed(t, "POST", url+"/", "ec2", h, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || xmlCode(b) != tc.code || !bytes.Contains(b, []byte("<Response><Errors>")) {
				t.Errorf("%d %s, want 4xx %s in EC2's envelope", resp.StatusCode, b, tc.code)
			}
		})
	}
	// An unsigned EC2 request gets EC2's envelope too.
	resp, err := http.Post(url+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || xmlCode(b) != "MissingAuthenticationToken" || !bytes.Contains(b, []byte("<Response><Errors>")) {
		t.Errorf("unsigned: %d %s", resp.StatusCode, b)
	}
}

// FuzzEC2Query sends arbitrary form bodies to EC2: the answer is always
// 200 or an EC2 error envelope, never a 5xx.
func FuzzEC2Query(f *testing.F) {
	for _, tc := range ec2BadInputTests {
		f.Add(tc.body)
	}
	f.Add("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16")
	f.Add("Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=tag:Name&Filter.1.Value.1=*a?")
	f.Add("Action=CreateTags&Version=2016-11-15&ResourceId.1=vpc-1&Tag.1.Key=k")
	f.Add("Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupName=default&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=1&IpPermissions.1.ToPort=2&IpPermissions.1.IpRanges.1.CidrIp=1.2.3.4/32")
	sim, err := New(f.Context(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer sim.Close()
	h := sim.Handler()
	auth := "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("0", 64)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Amz-Date", "20261123T000000Z")
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body)
		}
		if rec.Code != 200 && xmlCode(rec.Body.Bytes()) == "" {
			t.Fatalf("%q: not an error envelope: %s", body, rec.Body)
		}
	})
}
