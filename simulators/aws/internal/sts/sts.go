// Package sts serves AWS Security Token Service's GetCallerIdentity over
// the Query protocol.
//
// API reference: https://docs.aws.amazon.com/STS/latest/APIReference/.
package sts

import (
	"net/http"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// Namespace is the XML namespace of STS answers.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

type callerIdentity struct {
	UserID  string `xml:"UserId"`
	Account string
	Arn     string
}

// Serve answers one STS Query request.
func Serve(w http.ResponseWriter, r *http.Request, form awsproto.Form) {
	c := awsproto.CallFrom(r.Context())
	switch action := form.Get("Action"); action {
	case "GetCallerIdentity":
		// The simulator has one principal per access key: the account's
		// root-like user named after the key.
		awsproto.WriteQuery(w, r, Namespace, action, callerIdentity{
			UserID:  c.AccessKey,
			Account: c.Account,
			Arn:     "arn:aws:iam::" + c.Account + ":user/" + c.AccessKey,
		})
	case "":
		awsproto.WriteError(w, r, awsproto.Query, awsproto.Errorf(http.StatusBadRequest, "MissingAction", "Missing Action"))
	default:
		awsproto.WriteError(w, r, awsproto.Query, awsproto.Errorf(http.StatusBadRequest, "InvalidAction",
			"Could not find operation %s for version 2011-06-15", action))
	}
}
