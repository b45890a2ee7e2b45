package differential

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sockerless/sockerless/tests/harness"
)

// apiVersion is the newest version Debian's dockerd speaks; both daemons
// are asked with it so their answers are comparable.
const apiVersion = "/v1.41"

type api struct {
	t    *testing.T
	http *http.Client
}

func newAPI(t *testing.T, host string) *api {
	sock := strings.TrimPrefix(host, "unix://")
	return &api{t: t, http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}}
}

func (a *api) do(method, path string, body string) (int, []byte) {
	a.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(a.t.Context(), method, "http://docker"+apiVersion+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// shape observes a JSON body by its key set.
func (a *api) shape(method, path, body string) observation {
	status, b := a.do(method, path, body)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return observation{Status: status, Text: "not JSON"}
	}
	return observation{Status: status, Keys: keys("", v)}
}

// message observes an error body by its message.
func (a *api) message(method, path, body string) observation {
	status, b := a.do(method, path, body)
	var e struct{ Message string }
	json.Unmarshal(b, &e)
	return observation{Status: status, Text: normalise(e.Message)}
}

// frames observes a multiplexed stream by its sequence of frames.
func (a *api) frames(method, path, body string) observation {
	status, b := a.do(method, path, body)
	return observation{Status: status, Text: describeFrames(b)}
}

// scenario runs the same steps against one daemon.
func scenario(t *testing.T, name, host string) map[string]observation {
	harness.ImportBusybox(t, host, img)
	a := newAPI(t, host)
	obs := map[string]observation{}
	create := `{"Image":"` + img + `","Cmd":["sh","-c","echo out; sleep 0.2; echo err >&2; sleep 300"],"Labels":{"k":"v"}}`

	obs["01 create"] = a.shape("POST", "/containers/create?name=diff", create)
	obs["02 create duplicate name"] = a.message("POST", "/containers/create?name=diff", create)
	obs["03 create malformed JSON"] = observation{Status: statusOf(a.do("POST", "/containers/create", `{"Image":`))}
	obs["04 create wrong type"] = observation{Status: statusOf(a.do("POST", "/containers/create", `{"Image":"`+img+`","Cmd":7}`))}
	obs["05 create unknown image"] = a.message("POST", "/containers/create", `{"Image":"nosuch:image"}`)
	obs["06 start"] = observation{Status: statusOf(a.do("POST", "/containers/diff/start", ""))}
	obs["07 start again"] = observation{Status: statusOf(a.do("POST", "/containers/diff/start", ""))}
	time.Sleep(500 * time.Millisecond) // let the echo lines reach the logs
	obs["08 inspect running"] = a.shape("GET", "/containers/diff/json", "")
	obs["09 list"] = a.shape("GET", "/containers/json?filters="+`%7B%22name%22%3A%5B%22diff%22%5D%7D`, "")
	obs["10 logs framing"] = a.frames("GET", "/containers/diff/logs?stdout=1&stderr=1", "")
	obs["11 inspect unknown"] = a.message("GET", "/containers/nosuch/json", "")
	obs["12 remove running"] = a.message("DELETE", "/containers/diff", "")

	status, b := a.do("POST", "/containers/diff/exec", `{"Cmd":["sh","-c","echo eo; sleep 0.2; echo ee >&2; exit 4"],"AttachStdout":true,"AttachStderr":true}`)
	var ex struct {
		ID string `json:"Id"`
	}
	json.Unmarshal(b, &ex)
	obs["13 exec create"] = observation{Status: status}
	obs["14 exec start framing"] = a.frames("POST", "/exec/"+ex.ID+"/start", `{"Detach":false,"Tty":false}`)
	obs["15 exec inspect"] = a.shape("GET", "/exec/"+ex.ID+"/json", "")
	obs["16 image inspect"] = a.shape("GET", "/images/"+img+"/json", "")
	obs["17 stop"] = observation{Status: statusOf(a.do("POST", "/containers/diff/stop?t=1", ""))}
	obs["18 inspect exited"] = a.shape("GET", "/containers/diff/json", "")
	obs["19 remove"] = observation{Status: statusOf(a.do("DELETE", "/containers/diff", ""))}
	obs["20 version"] = a.shape("GET", "/version", "")
	obs["21 unknown path"] = a.message("GET", "/nosuch/path", "")
	// --network container:X at start: X must exist and run.
	a.do("POST", "/containers/create?name=diffroot", `{"Image":"`+img+`","Cmd":["sleep","300"]}`)
	a.do("POST", "/containers/create?name=diffjoin", `{"Image":"`+img+`","Cmd":["true"],"HostConfig":{"NetworkMode":"container:diffroot"}}`)
	a.do("POST", "/containers/create?name=difforphan", `{"Image":"`+img+`","Cmd":["true"],"HostConfig":{"NetworkMode":"container:nosuch"}}`)
	obs["22 start joining a created container"] = a.message("POST", "/containers/diffjoin/start", "")
	obs["23 start joining a missing container"] = a.message("POST", "/containers/difforphan/start", "")
	for _, n := range []string{"diffjoin", "difforphan", "diffroot"} {
		a.do("DELETE", "/containers/"+n+"?force=1", "")
	}
	t.Logf("%s: ran %d steps", name, len(obs))
	return obs
}

func statusOf(status int, _ []byte) int { return status }

// normalise hides IDs, which differ between any two runs.
func normalise(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		trimmed := strings.Trim(w, `"().,`)
		if len(trimmed) >= 12 && strings.Trim(trimmed, "0123456789abcdef") == "" {
			w = strings.Replace(w, trimmed, "<id>", 1)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// mapFields hold user- or daemon-chosen keys, compared as "*".
var mapFields = map[string]bool{"Labels": true, "Networks": true, "Ports": true, "Volumes": true,
	"ExposedPorts": true, "Options": true, "Data": true}

// keys flattens a JSON value into sorted key paths; arrays merge their elements.
func keys(prefix string, v any) []string {
	set := map[string]bool{}
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch x := v.(type) {
		case map[string]any:
			last := p[strings.LastIndex(p, ".")+1:]
			for k, e := range x {
				if mapFields[last] {
					k = "*"
				}
				q := strings.TrimPrefix(p+"."+k, ".")
				set[q] = true
				walk(q, e)
			}
		case []any:
			for _, e := range x {
				walk(p+"[]", e)
			}
		}
	}
	walk(prefix, v)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// describeFrames renders a multiplexed stream as its frames, e.g.
// "stdout:\"out\\n\" stderr:\"err\\n\"", or "raw:..." when it is not framed.
// Adjacent frames of the same stream are joined: where one write ends is
// up to the program in the container (a shell's echo may write its
// arguments and the newline separately), and clients demultiplex by
// stream, never by frame.
func describeFrames(b []byte) string {
	names := map[byte]string{0: "stdin", 1: "stdout", 2: "stderr", 3: "system"}
	var parts []string
	var last byte = 0xff
	var run []byte
	flush := func() {
		if last != 0xff {
			parts = append(parts, fmt.Sprintf("%s:%q", names[last], run))
		}
	}
	for len(b) > 0 {
		if len(b) < 8 || names[b[0]] == "" || !bytes.Equal(b[1:4], []byte{0, 0, 0}) {
			flush()
			return strings.Join(append(parts, fmt.Sprintf("raw:%q", b)), " ")
		}
		n := int(binary.BigEndian.Uint32(b[4:8]))
		if len(b) < 8+n {
			flush()
			return strings.Join(append(parts, fmt.Sprintf("truncated:%q", b)), " ")
		}
		if b[0] != last {
			flush()
			last, run = b[0], nil
		}
		run = append(run, b[8:8+n]...)
		b = b[8+n:]
	}
	flush()
	return strings.Join(parts, " ")
}
