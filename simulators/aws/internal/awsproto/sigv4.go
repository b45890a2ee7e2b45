package awsproto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Auth is a parsed SigV4 signature, from the Authorization header or from
// a presigned URL's X-Amz-* query parameters.
type Auth struct {
	AccessKey     string
	Date          string // yyyymmdd from the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
	Presigned     bool
}

// Scope returns the credential scope "date/region/service/aws4_request".
func (a Auth) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
}

const algorithm = "AWS4-HMAC-SHA256"

// ErrMissingAuth is set apart from malformed signatures: AWS answers a
// request without any signature with MissingAuthenticationToken.
var ErrMissingAuth = Errorf(http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")

func incomplete(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, "IncompleteSignatureException", format, args...)
}

// ParseAuth reads the SigV4 signature of r. A request with no signature at
// all returns [ErrMissingAuth]; one whose Authorization header does not
// parse returns IncompleteSignatureException with AWS's wording.
func ParseAuth(r *http.Request) (Auth, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if r.URL.Query().Get("X-Amz-Algorithm") != "" {
			return parsePresigned(r.URL.Query())
		}
		return Auth{}, ErrMissingAuth
	}
	return ParseAuthorization(h, r.Header.Get("X-Amz-Date") != "" || r.Header.Get("Date") != "")
}

// ParseAuthorization parses an Authorization header value:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request,
//	SignedHeaders=content-type;host;x-amz-date, Signature=5d67...
func ParseAuthorization(h string, haveDate bool) (Auth, error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != algorithm {
		return Auth{}, incomplete("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s", h)
	}
	params := map[string]string{}
	for _, kv := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return Auth{}, incomplete("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", strings.TrimSpace(kv), h)
		}
		params[k] = v
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if !haveDate {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if len(missing) > 0 {
		return Auth{}, incomplete("%s Authorization=%s", strings.Join(missing, " "), h)
	}
	a, err := parseCredential(params["Credential"])
	if err != nil {
		return Auth{}, err
	}
	a.SignedHeaders = strings.Split(params["SignedHeaders"], ";")
	a.Signature = params["Signature"]
	if !isHex64(a.Signature) {
		return Auth{}, incomplete("Signature must be 64 hexadecimal characters: %s", a.Signature)
	}
	return a, nil
}

func parseCredential(c string) (Auth, error) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[0] == "" || parts[4] != "aws4_request" {
		return Auth{}, incomplete("Credential should be scoped to a valid region, not a malformed scope. Credential=%s", c)
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil {
		return Auth{}, incomplete("Credential should be scoped with a valid date (yyyymmdd). Credential=%s", c)
	}
	if parts[2] == "" || parts[3] == "" {
		return Auth{}, incomplete("Credential should be scoped to a valid region and service. Credential=%s", c)
	}
	return Auth{AccessKey: parts[0], Date: parts[1], Region: parts[2], Service: parts[3]}, nil
}

func parsePresigned(q url.Values) (Auth, error) {
	if q.Get("X-Amz-Algorithm") != algorithm {
		return Auth{}, incomplete("X-Amz-Algorithm only supports \"%s\"", algorithm)
	}
	for _, k := range []string{"X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date"} {
		if q.Get(k) == "" {
			return Auth{}, incomplete("Query-string authentication requires the %s parameter.", k)
		}
	}
	a, err := parseCredential(q.Get("X-Amz-Credential"))
	if err != nil {
		return Auth{}, err
	}
	a.SignedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	a.Signature, a.Presigned = q.Get("X-Amz-Signature"), true
	return a, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// Verify recomputes the signature of r (whose body is body) with secret and
// reports whether it matches a. S3 signs the path as sent; every other
// service signs it URI-encoded once more, as the SDKs' signers do.
func Verify(r *http.Request, body []byte, a Auth, secret string) bool {
	amzDate := r.Header.Get("X-Amz-Date")
	if a.Presigned {
		amzDate = r.URL.Query().Get("X-Amz-Date")
	}
	if amzDate == "" {
		amzDate = r.Header.Get("Date")
	}
	canon := canonicalRequest(r, body, a)
	sum := sha256.Sum256([]byte(canon))
	sts := algorithm + "\n" + amzDate + "\n" + a.Scope() + "\n" + hex.EncodeToString(sum[:])
	k := hmacSHA256([]byte("AWS4"+secret), a.Date)
	k = hmacSHA256(k, a.Region)
	k = hmacSHA256(k, a.Service)
	k = hmacSHA256(k, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(k, sts))
	return hmac.Equal([]byte(want), []byte(strings.ToLower(a.Signature)))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func canonicalRequest(r *http.Request, body []byte, a Auth) string {
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if a.Service != "s3" {
		path = escapePath(path)
	}
	var b strings.Builder
	b.WriteString(r.Method + "\n" + path + "\n" + canonicalQuery(r.URL.RawQuery, a.Presigned) + "\n")
	for _, name := range a.SignedHeaders {
		var vals []string
		if name == "host" {
			vals = []string{r.Host}
		} else {
			vals = r.Header.Values(name)
		}
		for i, v := range vals {
			vals[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(name + ":" + strings.Join(vals, ",") + "\n")
	}
	b.WriteString("\n" + strings.Join(a.SignedHeaders, ";") + "\n")
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if a.Presigned && payload == "" {
		payload = "UNSIGNED-PAYLOAD"
	}
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	b.WriteString(payload)
	return b.String()
}

func canonicalQuery(raw string, presigned bool) string {
	q, _ := url.ParseQuery(raw)
	if presigned {
		q.Del("X-Amz-Signature")
	}
	type kv struct{ k, v string }
	var kvs []kv
	for k, vs := range q {
		for _, v := range vs {
			kvs = append(kvs, kv{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	sort.Slice(kvs, func(i, j int) bool {
		if kvs[i].k != kvs[j].k {
			return kvs[i].k < kvs[j].k
		}
		return kvs[i].v < kvs[j].v
	})
	parts := make([]string, len(kvs))
	for i, p := range kvs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// escapePath encodes every byte of an (already escaped) path except
// unreserved characters and '/', as the SDK signer's EscapePath does.
func escapePath(p string) string { return uriEncode(p, false) }

func uriEncode(s string, encodeSlash bool) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}
