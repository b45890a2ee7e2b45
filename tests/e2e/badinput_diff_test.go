package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sockerless/sockerless/tests/harness"
)

// hexID matches the container, network and endpoint IDs in messages.
var hexID = regexp.MustCompile(`[0-9a-f]{64}|[0-9a-f]{12}`)

// apiCall sends one Engine API request (version 1.41, dockerd 20.10's)
// to the daemon at host and returns the status and the error message.
func apiCall(t *testing.T, host, method, path, body string) (int, string) {
	t.Helper()
	sock := strings.TrimPrefix(host, "unix://")
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	defer c.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://docker/v1.41"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct{ Message string }
	_ = json.Unmarshal(b, &e)
	return resp.StatusCode, hexID.ReplaceAllString(e.Message, "<id>")
}

// TestComposeBadInputDifferential is acceptance 5 of issue 3 against the
// reference: each bad request gets dockerd's status and message (IDs
// aside). It runs when SOCKERLESS_DIFFERENTIAL is set.
func TestComposeBadInputDifferential(t *testing.T) {
	if os.Getenv(harness.DifferentialEnv) == "" {
		t.Skip("set " + harness.DifferentialEnv + "=1 to compare with dockerd")
	}
	sl := start(t)
	dd := harness.StartDockerd(t)
	harness.ImportBusybox(t, dd.Host, img)
	for _, host := range []string{sl, dd.Host} {
		harness.MustDocker(t, host, "network", "create", "--subnet", "10.9.0.0/16", "used")
		harness.MustDocker(t, host, "volume", "create", "vbusy")
		harness.MustDocker(t, host, "run", "-d", "--name", "holder", "--network", "used", "-v", "vbusy:/v", img, "sleep", "300")
	}
	// known are the answers that differ from dockerd 20.10 on purpose,
	// with the reason; they are still checked exactly.
	type known struct {
		status int
		msg    string
	}
	tests := []struct {
		name, method, path, body string
		known                    *known
	}{
		{"inspect unknown network", "GET", "/networks/nosuch", "", nil},
		{"remove unknown network", "DELETE", "/networks/nosuch", "", nil},
		{"inspect unknown volume", "GET", "/volumes/nosuch", "", nil},
		{"remove unknown volume", "DELETE", "/volumes/nosuch", "", nil},
		// The docker CLI sends CheckDuplicate (API 1.44+ always checks).
		{"duplicate network", "POST", "/networks/create", `{"Name":"used","CheckDuplicate":true}`, nil},
		{"duplicate container", "POST", "/containers/create?name=holder", `{"Image":"` + img + `"}`, nil},
		// dockerd 25+ (API 1.44+) words it so.
		{"overlapping subnet", "POST", "/networks/create", `{"Name":"overlap","IPAM":{"Config":[{"Subnet":"10.9.1.0/24"}]}}`,
			&known{403, "invalid pool request: Pool overlaps with other one on this address space"}},
		// dockerd 25+ names the endpoints.
		{"network with containers", "DELETE", "/networks/used", "",
			&known{403, `error while removing network: network used has active endpoints (name:"holder" id:"<id>")`}},
		{"volume in use", "DELETE", "/volumes/vbusy", "", nil},
		{"invalid volume name", "POST", "/volumes/create", `{"Name":"bad/name"}`, nil},
		{"connect to unknown network", "POST", "/networks/nosuch/connect", `{"Container":"holder"}`, nil},
		{"connect unknown container", "POST", "/networks/used/connect", `{"Container":"nosuch"}`, nil},
		{"connect twice", "POST", "/networks/used/connect", `{"Container":"holder"}`, nil},
		{"disconnect unknown container", "POST", "/networks/used/disconnect", `{"Container":"nosuch"}`, nil},
		// moby's API types decode subnets as netip.Prefix: a bad one is
		// malformed JSON (400), where dockerd 20.10 answers 500.
		{"bad subnet", "POST", "/networks/create", `{"Name":"x","IPAM":{"Config":[{"Subnet":"10.9.0.0/33"}]}}`,
			&known{400, `invalid JSON: netip.ParsePrefix("10.9.0.0/33"): prefix length out of range`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStatus, wantMsg := apiCall(t, dd.Host, tc.method, tc.path, tc.body)
			gotStatus, gotMsg := apiCall(t, sl, tc.method, tc.path, tc.body)
			if tc.known != nil {
				t.Logf("dockerd 20.10 answers %d %q", wantStatus, wantMsg)
				wantStatus, wantMsg = tc.known.status, tc.known.msg
			}
			if gotStatus != wantStatus || gotMsg != wantMsg {
				t.Errorf("%s %s: sockerless %d %q, dockerd %d %q", tc.method, tc.path, gotStatus, gotMsg, wantStatus, wantMsg)
			}
		})
	}
	if st := inspectState(t, sl, "holder"); st != "running" {
		t.Errorf("sockerless after bad input: holder is %s", st)
	}
	// dockerd would wait out busybox's ignored SIGTERM at shutdown.
	harness.MustDocker(t, dd.Host, "rm", "-f", "holder")
}
