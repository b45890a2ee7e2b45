package containers

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCreateBody(t *testing.T) {
	tests := []struct {
		body            string
		cmd, entrypoint []string
		cfg             bool
	}{
		{`{"Image":"i","Cmd":"echo hi"}`, []string{"echo hi"}, nil, true},
		{`{"Image":"i","Cmd":["a","b"],"Entrypoint":"sh"}`, []string{"a", "b"}, []string{"sh"}, true},
		{`{"Image":"i","Entrypoint":[""]}`, nil, []string{""}, true},
		{`{"Image":"i","Entrypoint":[]}`, nil, []string{}, true},
		{`{"Image":"i","Cmd":null}`, nil, nil, true},
		{`{"Cmd":["x"]}`, []string{"x"}, nil, true},
		{`{"HostConfig":{}}`, nil, nil, false},
	}
	for _, tc := range tests {
		var b createBody
		if err := json.Unmarshal([]byte(tc.body), &b); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		req := b.request()
		if (req.Config != nil) != tc.cfg {
			t.Fatalf("%s: Config %+v", tc.body, req.Config)
		}
		if req.Config == nil {
			continue
		}
		if d := cmp.Diff(tc.cmd, req.Config.Cmd); d != "" {
			t.Errorf("%s: Cmd (-want +got):\n%s", tc.body, d)
		}
		if d := cmp.Diff(tc.entrypoint, req.Config.Entrypoint); d != "" {
			t.Errorf("%s: Entrypoint (-want +got):\n%s", tc.body, d)
		}
	}
	for _, bad := range []string{`{"Cmd":5}`, `{"Cmd":[1]}`, `{"Entrypoint":{}}`} {
		var b createBody
		if err := json.Unmarshal([]byte(bad), &b); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}
