package awssim

import (
	"net/http"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// maxSkew is how far a signed request's X-Amz-Date may be from the clock.
const maxSkew = 15 * time.Minute

// authenticate parses the request's SigV4 signature and, with StrictAuth,
// checks the key, the clock skew and the signature itself.
func (s *Server) authenticate(r *http.Request, body []byte) (awsproto.Auth, error) {
	a, err := awsproto.ParseAuth(r)
	if err != nil {
		return a, err
	}
	if !s.opts.StrictAuth {
		return a, nil
	}
	secret, ok := s.opts.Credentials[a.AccessKey]
	if !ok {
		return a, awsproto.Errorf(http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	date := r.Header.Get("X-Amz-Date")
	if a.Presigned {
		date = r.URL.Query().Get("X-Amz-Date")
	}
	if t, err := time.Parse("20060102T150405Z", date); err == nil && !a.Presigned {
		if d := time.Since(t); d > maxSkew || d < -maxSkew {
			return a, awsproto.Errorf(http.StatusForbidden, "InvalidSignatureException",
				"Signature expired: %s is now earlier than %s", date, time.Now().UTC().Add(-maxSkew).Format("20060102T150405Z"))
		}
	}
	if !awsproto.Verify(r, body, a, secret) {
		return a, awsproto.Errorf(http.StatusForbidden, "InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return a, nil
}
