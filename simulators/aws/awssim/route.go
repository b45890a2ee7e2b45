package awssim

import (
	"io"
	"net/http"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/aws/internal/sts"
	"github.com/sockerless/sockerless/simulators/core/reqid"
)

// protocolOf guesses the wire protocol of r before its signature is read,
// so that even an unsigned request gets its service's error envelope.
func protocolOf(r *http.Request) awsproto.Protocol {
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		return awsproto.JSON
	case strings.HasPrefix(r.URL.Path, "/2015-03-31/") || strings.HasPrefix(r.URL.Path, "/2021-10-31/") ||
		strings.HasPrefix(r.URL.Path, "/2015-02-01/"): // Lambda, EFS
		return awsproto.RESTJSON
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		return awsproto.Query
	case r.URL.Query().Get("Action") != "":
		return awsproto.Query
	}
	return awsproto.RESTXML
}

// route authenticates a request and hands it to its service: by
// X-Amz-Target for JSON 1.1, by the credential scope's service for the
// others (the way AWS's front ends tell services apart on one host).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	proto := protocolOf(r)
	call := awsproto.Call{RequestID: reqid.From(r.Context()), Account: s.opts.Account}
	r = r.WithContext(awsproto.WithCall(r.Context(), call))
	if s.routeRegistry(w, r) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, awsproto.MaxJSONBody))
	if err != nil {
		awsproto.WriteError(w, r, proto, awsproto.Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Request must be smaller than %d bytes", awsproto.MaxJSONBody))
		return
	}
	if proto == awsproto.Query && (strings.Contains(string(body), "Version="+ec2.APIVersion) || r.URL.Query().Get("Version") == ec2.APIVersion) {
		proto = awsproto.EC2Query // EC2's own error envelope, even for authentication errors
	}
	auth, err := s.authenticate(r, body)
	if err != nil {
		awsproto.WriteError(w, r, proto, authError(err, proto))
		return
	}
	call.Region, call.AccessKey, call.Service = auth.Region, auth.AccessKey, auth.Service
	r = r.WithContext(awsproto.WithCall(r.Context(), call))

	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		svc, ok := s.json[prefix]
		if !ok {
			awsproto.WriteError(w, r, proto, awsproto.UnknownOperation(target))
			return
		}
		svc.Serve(w, r, target, body)
		return
	}
	switch auth.Service {
	case "sts":
		form, err := awsproto.ParseForm(r, body)
		if err != nil {
			awsproto.WriteError(w, r, awsproto.Query, err)
			return
		}
		sts.Serve(w, r, form)
	case "iam":
		form, err := awsproto.ParseForm(r, body)
		if err != nil {
			awsproto.WriteError(w, r, awsproto.Query, err)
			return
		}
		s.iam.Serve(w, r, form)
	case "ec2":
		form, err := awsproto.ParseForm(r, body)
		if err != nil {
			awsproto.WriteError(w, r, awsproto.EC2Query, err)
			return
		}
		s.ec2.Serve(w, r, form)
	default:
		s.routeREST(w, r, proto, auth, body)
	}
}

func (s *Server) routeREST(w http.ResponseWriter, r *http.Request, proto awsproto.Protocol, auth awsproto.Auth, body []byte) {
	if h := s.rest[auth.Service]; h != nil {
		h(w, r, body)
		return
	}
	awsproto.WriteError(w, r, proto, awsproto.Errorf(http.StatusBadRequest, "UnknownServiceException",
		"The simulator does not implement service %q (%s %s)", auth.Service, r.Method, r.URL.Path))
}

// authError renames the authentication errors for protocols whose codes
// differ: Query services say InvalidClientTokenId / SignatureDoesNotMatch
// / MissingAuthenticationToken, S3 says InvalidAccessKeyId / AccessDenied.
func authError(err error, p awsproto.Protocol) error {
	e := *awsproto.AsError(err)
	switch p {
	case awsproto.Query, awsproto.EC2Query:
		switch e.Code {
		case "MissingAuthenticationTokenException":
			e.Code, e.Message = "MissingAuthenticationToken", "Request is missing Authentication Token"
		case "InvalidSignatureException":
			e.Code = "SignatureDoesNotMatch"
		case "UnrecognizedClientException":
			e.Code, e.Message = "InvalidClientTokenId", "The security token included in the request is invalid."
		case "IncompleteSignatureException":
			e.Code = "IncompleteSignature"
		}
	case awsproto.RESTXML:
		switch e.Code {
		case "MissingAuthenticationTokenException":
			e.Code, e.Message = "AccessDenied", "Access Denied"
		case "InvalidSignatureException":
			e.Code = "SignatureDoesNotMatch"
		case "UnrecognizedClientException":
			e.Code, e.Message = "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
		case "IncompleteSignatureException":
			e.Code = "AuthorizationHeaderMalformed"
		}
	}
	return &e
}

// routeRegistry serves the OCI distribution API (/v2/) of ECR, which
// authenticates with the Basic token of GetAuthorizationToken rather than
// SigV4.
func (s *Server) routeRegistry(w http.ResponseWriter, r *http.Request) bool {
	if s.registry == nil || (r.URL.Path != "/v2" && !strings.HasPrefix(r.URL.Path, "/v2/")) {
		return false
	}
	s.registry.ServeHTTP(w, r)
	return true
}
