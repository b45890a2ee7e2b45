package containers

import (
	"encoding/json"

	"github.com/moby/moby/api/types/container"
)

// createBody is POST /containers/create's body. Cmd and Entrypoint may be
// a string as well as a list, as dockerd's strslice accepted
// (`"Cmd": "echo hi"` is the one-element list ["echo hi"]).
type createBody struct {
	container.CreateRequest
	Cmd        strSlice `json:"Cmd"`
	Entrypoint strSlice `json:"Entrypoint"`
}

// request returns the body as moby's CreateRequest.
func (b createBody) request() container.CreateRequest {
	req := b.CreateRequest
	if b.Cmd == nil && b.Entrypoint == nil {
		return req
	}
	cfg := container.Config{}
	if req.Config != nil {
		cfg = *req.Config
	}
	if b.Cmd != nil {
		cfg.Cmd = b.Cmd
	}
	if b.Entrypoint != nil {
		cfg.Entrypoint = b.Entrypoint
	}
	req.Config = &cfg
	return req
}

// strSlice is a JSON list of strings or a single string.
type strSlice []string

// UnmarshalJSON takes a list or a string; null leaves the slice nil.
func (s *strSlice) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = strSlice{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	if list == nil {
		list = []string{}
	}
	*s = list
	return nil
}
