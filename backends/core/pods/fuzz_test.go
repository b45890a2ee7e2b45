package pods

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FuzzCreate sends arbitrary bodies to POST /libpod/pods/create: no body
// panics, a pod is made only with a 201 and its ID, and every failure is
// libpod's error envelope with the status it was sent with.
func FuzzCreate(f *testing.F) {
	for _, s := range []string{
		`{"name":"p2","no_infra":true,"labels":{"a":"b"}}`,
		`{"name":"web","infra_image":"busybox","infra_command":["sleep","300"],"portmappings":[{"container_port":80,"host_port":8080}]}`,
		`{"name":"n","infra_image":"busybox","Networks":{"bridge":{"aliases":["x"]}},"netns":{"nsmode":"host"}}`,
		`{"name":"bad/name","no_infra":true}`, `{"name":"p9"}`, ``, `[]`, `{"portmappings":[{"container_port":65535,"range":5}],"infra_image":"busybox"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		fx := newFixture(t)
		status, out := fx.do(t, "POST", "/libpod/pods/create", body)
		if status == http.StatusCreated {
			var rep createReport
			if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.ID) != 64 {
				t.Fatalf("201 with %q", out)
			}
			if _, err := fx.m.Get(rep.ID); err != nil {
				t.Fatalf("created pod %s not found: %v", rep.ID, err)
			}
			return
		}
		var em errorModel
		if err := json.Unmarshal([]byte(out), &em); err != nil || em.ResponseCode != status || em.Message == "" {
			t.Fatalf("%d %q is not libpod's error envelope", status, out)
		}
		if len(fx.m.All()) != 0 {
			t.Fatalf("a failed create (%d %s) left a pod", status, out)
		}
	})
}
