package lambdadriver

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/sockerless/sockerless/api/driver"
)

func TestCreateInput(t *testing.T) {
	d := &Driver{tokens: []byte("0123456789abcdef0123456789abcdef")}
	d.cfg.FromEnv(func(string) string { return "" })
	d.cfg.CallbackURL, d.cfg.Role = "http://127.0.0.1:9000", "arn:aws:iam::123456789012:role/r"
	id := "0123456789012345678901234567890123456789012345678901234567890123"
	in := d.createInput(driver.Spec{ID: id, Name: "job", Image: "sha256:abc", Path: "sh", Args: []string{"-c", "exit 3"},
		Env: []string{"A=1"}, OpenStdin: true})
	if got := aws.ToString(in.FunctionName); got != "sockerless-"+id[:48] || len(got) > 64 {
		t.Errorf("function name %q", got)
	}
	want := []string{"sockerless-agent", "--callback", "http://127.0.0.1:9000/internal/v1/agent/connect", "--linger", "5s",
		"--log-level", "error", "--stdin", "--"}
	if d := cmp.Diff(want, in.ImageConfig.EntryPoint); d != "" {
		t.Errorf("entry point (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"sh", "-c", "exit 3"}, in.ImageConfig.Command); d != "" {
		t.Errorf("command (-want +got):\n%s", d)
	}
	v := in.Environment.Variables
	if v["A"] != "1" || v["SOCKERLESS_AGENT_TOKEN"] != d.tokens.Token(id) || aws.ToInt32(in.Timeout) != 900 {
		t.Errorf("environment %v timeout %d", v, aws.ToInt32(in.Timeout))
	}
}

func TestInvokeStatus(t *testing.T) {
	tests := []struct {
		name     string
		funcErr  string
		payload  string
		wantCode int
	}{
		{"success", "", `"ok"`, 0},
		{"exit status", "Unhandled", `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: x Error: Runtime exited with error: exit status 3"}`, 3},
		{"not found", "Unhandled", `{"errorType":"Runtime.InvalidEntrypoint","errorMessage":"start: executable file not found"}`, 127},
		{"timeout", "Unhandled", `{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 900.00 seconds"}`, 137},
		{"handler error", "Unhandled", `{"errorType":"ValueError","errorMessage":"boom"}`, 1},
	}
	for _, tc := range tests {
		out := &lambda.InvokeOutput{Payload: []byte(tc.payload)}
		if tc.funcErr != "" {
			out.FunctionError = aws.String(tc.funcErr)
		}
		if st := invokeStatus(out); st.Code != tc.wantCode {
			t.Errorf("%s: code %d, want %d (%+v)", tc.name, st.Code, tc.wantCode, st)
		}
	}
}

func TestMemoryMB(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want int32
	}{{0, 512}, {64 << 20, 128}, {300<<20 + 1, 301}, {1 << 40, 10240}} {
		if got := memoryMB(tc.in, 512); got != tc.want {
			t.Errorf("memoryMB(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
