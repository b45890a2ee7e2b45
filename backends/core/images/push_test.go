package images_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

func (e *env) push(t *testing.T, ref string, auth string) ([]jsonstream.Message, error) {
	t.Helper()
	resp, err := e.cli.ImagePush(t.Context(), ref, client.ImagePushOptions{RegistryAuth: auth})
	if err != nil {
		return nil, err
	}
	defer resp.Close()
	var msgs []jsonstream.Message
	for m, err := range resp.JSONMessages(t.Context()) {
		if err != nil {
			return msgs, err
		}
		if m.Error != nil {
			return msgs, m.Error
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

func TestPushThenPull(t *testing.T) {
	reg := newRegistry(t, "me", "secret")
	auth, _ := json.Marshal(map[string]string{"username": "me", "password": "secret"})
	enc := base64.URLEncoding.EncodeToString(auth)
	src := newEnv(t, "")
	id := src.importBusybox(t, reg.host+"/pushed:1", `CMD ["sh"]`)
	img, _ := src.store.Resolve(t.Context(), id)
	short := img.Layers[0].DiffID[7:19]

	msgs, err := src.push(t, reg.host+"/pushed:1", enc)
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Compact(statuses(msgs))
	if len(got) != 6 || got[0] != "The push refers to repository ["+reg.host+"/pushed]" || got[1] != short+": Preparing" ||
		got[2] != short+": Pushing" || got[3] != short+": Pushed" || !strings.HasPrefix(got[4], "1: digest: sha256:") {
		t.Errorf("push messages %q", got)
	}
	var aux struct{ Tag, Digest string }
	if last := msgs[len(msgs)-1]; last.Aux == nil || json.Unmarshal(*last.Aux, &aux) != nil || aux.Tag != "1" {
		t.Errorf("no aux message: %+v", last)
	}
	msgs, err = src.push(t, reg.host+"/pushed:1", enc)
	if err != nil || !slices.Contains(statuses(msgs), short+": Layer already exists") {
		t.Errorf("second push: %q, %v", statuses(msgs), err)
	}
	if ins, _ := src.cli.ImageInspect(t.Context(), id); !slices.Equal(ins.RepoDigests, []string{reg.host + "/pushed@" + aux.Digest}) {
		t.Errorf("repo digests after push: %v", ins.RepoDigests)
	}

	dst := newEnv(t, "")
	if _, err := dst.pull(t, reg.host+"/pushed:1", client.ImagePullOptions{RegistryAuth: enc}); err != nil {
		t.Fatal(err)
	}
	ins, err := dst.cli.ImageInspect(t.Context(), reg.host+"/pushed:1")
	if err != nil || ins.ID != id {
		t.Errorf("pulled back %s, pushed %s: %v", ins.ID, id, err)
	}
}

func TestPushErrors(t *testing.T) {
	reg := newRegistry(t, "me", "secret")
	e := newEnv(t, "")
	e.importBusybox(t, reg.host+"/x:1")
	for _, tc := range []struct{ ref, want string }{
		{reg.host + "/nope:1", "An image does not exist locally with the tag: " + reg.host + "/nope"},
		{reg.host + "/x:1", "unauthorized: authentication required"}, // no credentials
	} {
		_, err := e.push(t, tc.ref, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("push %s = %v, want %q", tc.ref, err, tc.want)
		}
	}
	status, body := e.raw(t, "POST", "/v1.51/images/BAD/push?tag=1", strings.NewReader(""))
	if status != 400 {
		t.Errorf("push BAD: %d %s", status, body)
	}
}
