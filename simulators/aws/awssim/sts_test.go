package awssim

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestGetCallerIdentity(t *testing.T) {
	_, cfg, _ := start(t, Options{Account: "210987654321"})
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "210987654321" || aws.ToString(out.UserId) != TestAccessKey ||
		aws.ToString(out.Arn) != "arn:aws:iam::210987654321:user/"+TestAccessKey {
		t.Errorf("identity = %s %s %s", aws.ToString(out.Account), aws.ToString(out.UserId), aws.ToString(out.Arn))
	}
}

func TestStrictAuth(t *testing.T) {
	_, cfg, _ := start(t, Options{StrictAuth: true, Credentials: map[string]string{TestAccessKey: TestSecretKey}})
	tests := []struct {
		name     string
		key, sec string
		code     string
	}{
		{"right secret", TestAccessKey, TestSecretKey, ""},
		{"wrong secret", TestAccessKey, "wrong", "SignatureDoesNotMatch"},
		{"unknown key", "AKIAUNKNOWN", "x", "InvalidClientTokenId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg.Copy()
			c.Credentials = credentials.NewStaticCredentialsProvider(tc.key, tc.sec, "")
			_, err := sts.NewFromConfig(c).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
		})
	}
}

// TestUnsignedRequests checks what AWS answers to requests without a
// well-formed signature, per protocol.
func TestUnsignedRequests(t *testing.T) {
	_, _, url := start(t, Options{})
	tests := []struct {
		name, ctype, target, auth, body string
		status                          int
		contains                        string
	}{
		{"query without auth", "application/x-www-form-urlencoded", "", "", "Action=GetCallerIdentity&Version=2011-06-15", 403, "<Code>MissingAuthenticationToken</Code>"},
		{"json without auth", "application/x-amz-json-1.1", "Logs_20140328.DescribeLogGroups", "", "{}", 403, `"__type":"MissingAuthenticationTokenException"`},
		{"json malformed auth", "application/x-amz-json-1.1", "Logs_20140328.DescribeLogGroups", "AWS4-HMAC-SHA256 Credential=x", "{}", 400, `"__type":"IncompleteSignatureException"`},
		{"query malformed auth", "application/x-www-form-urlencoded", "", "Bearer abc", "Action=GetCallerIdentity", 400, "<Code>IncompleteSignature</Code>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", url+"/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			req.Header.Set("X-Amz-Date", "20261123T000000Z")
			if tc.target != "" {
				req.Header.Set("X-Amz-Target", tc.target)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.contains) {
				t.Errorf("%d %s, want %d containing %s", resp.StatusCode, b, tc.status, tc.contains)
			}
			if resp.Header.Get("X-Amzn-Requestid") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
}
