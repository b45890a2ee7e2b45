// Package awsproto speaks AWS's four wire protocols on the server side:
// JSON 1.1 (X-Amz-Target, used by ECS, ECR and CloudWatch Logs), Query
// (form-encoded requests with XML answers, used by STS, IAM and EC2),
// REST-JSON (Lambda) and REST-XML (S3), each with its own error envelope,
// plus the request IDs and the SigV4 Authorization header every request
// carries.
//
// The protocols are described in the Smithy specifications:
// https://smithy.io/2.0/aws/protocols/index.html, and SigV4 in
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html.
package awsproto

import "context"

// Protocol names one of AWS's wire protocols; it decides the error envelope.
type Protocol int

// The wire protocols.
const (
	JSON Protocol = iota
	Query
	EC2Query // Query with EC2's own <Response><Errors> envelope
	RESTJSON
	RESTXML
)

// Call is what every operation learns about its request beyond its input:
// who signed it and for which region.
type Call struct {
	RequestID string
	Region    string
	Account   string
	AccessKey string
	Service   string // the signing name from the credential scope
}

type callKey struct{}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallFrom returns the Call in ctx (the zero Call when there is none).
func CallFrom(ctx context.Context) Call {
	c, _ := ctx.Value(callKey{}).(Call)
	return c
}
