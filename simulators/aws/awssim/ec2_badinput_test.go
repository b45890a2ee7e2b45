package awssim

import (
	"bytes"
	"io"
	"net/http"
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
