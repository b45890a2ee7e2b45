package awsproto

import (
	"net/http/httptest"
	"strings"
	"testing"
)

const goodAuth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

var authTests = []struct {
	name, header string
	haveDate     bool
	ok           bool
}{
	{"valid", goodAuth, true, true},
	{"no date header", goodAuth, false, false},
	{"wrong algorithm", "AWS4-HMAC-SHA1 Credential=a/20150830/r/s/aws4_request", true, false},
	{"sigv2", "AWS AKID:sig", true, false},
	{"no signature", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host", true, false},
	{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1, SignedHeaders=host, Signature=" + strings.Repeat("a", 64), true, false},
	{"bad date", "AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("a", 64), true, false},
	{"not hex", "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("z", 64), true, false},
	{"no equals", "AWS4-HMAC-SHA256 Credential", true, false},
	{"empty", "", true, false},
}

func TestParseAuthorization(t *testing.T) {
	for _, tc := range authTests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAuthorization(tc.header, tc.haveDate)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if a.AccessKey != "AKIDEXAMPLE" || a.Region != "us-east-1" || a.Service != "iam" || len(a.SignedHeaders) != 3 {
					t.Errorf("parsed %+v", a)
				}
				return
			}
			if err == nil || AsError(err).Code != "IncompleteSignatureException" {
				t.Errorf("err = %v, want IncompleteSignatureException", err)
			}
		})
	}
}

// TestVerifyKnownVector checks Verify against the get-vanilla example of
// AWS's SigV4 test suite (secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY).
func TestVerifyKnownVector(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "example.amazonaws.com"
	r.Header.Set("X-Amz-Date", "20150830T123600Z")
	a, err := ParseAuthorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", true)
	if err != nil {
		t.Fatal(err)
	}
	if !Verify(r, nil, a, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") {
		t.Error("known-good signature rejected")
	}
	if Verify(r, nil, a, "other") {
		t.Error("wrong secret accepted")
	}
}

func FuzzParseAuthorization(f *testing.F) {
	for _, tc := range authTests {
		f.Add(tc.header, tc.haveDate)
	}
	f.Fuzz(func(t *testing.T, h string, haveDate bool) {
		a, err := ParseAuthorization(h, haveDate)
		if err != nil {
			if e := AsError(err); e.Status != 400 || e.Code != "IncompleteSignatureException" {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if a.AccessKey == "" || a.Region == "" || a.Service == "" || len(a.Signature) != 64 {
			t.Fatalf("accepted %q as %+v", h, a)
		}
	})
}
