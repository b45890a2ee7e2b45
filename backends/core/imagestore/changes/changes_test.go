package changes_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/sockerless/sockerless/backends/core/imagestore/changes"
)

var changeTests = []struct {
	name    string
	changes []string
	want    dockerspec.DockerOCIImageConfig
	wantErr string
}{
	{name: "exec form", changes: []string{`CMD ["sh", "-c", "echo hi"]`, `ENTRYPOINT ["/bin/tini"]`},
		want: cfg(ocispec.ImageConfig{Cmd: []string{"sh", "-c", "echo hi"}, Entrypoint: []string{"/bin/tini"}})},
	{name: "shell form", changes: []string{"CMD echo hi"},
		want: cfg(ocispec.ImageConfig{Cmd: []string{"/bin/sh", "-c", "echo hi"}})},
	{name: "env forms", changes: []string{"ENV A=1 B=\"two words\"", "env C three  words", "ENV A=override"},
		want: cfg(ocispec.ImageConfig{Env: []string{"A=override", "B=two words", "C=three  words"}})},
	{name: "label", changes: []string{`LABEL a=b "c d"='e f'`},
		want: cfg(ocispec.ImageConfig{Labels: map[string]string{"a": "b", "c d": "e f"}})},
	{name: "expose", changes: []string{"EXPOSE 80 53/udp 8000-8001"},
		want: cfg(ocispec.ImageConfig{ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}, "8000/tcp": {}, "8001/tcp": {}}})},
	{name: "volume", changes: []string{`VOLUME ["/data"]`, "VOLUME /a /b"},
		want: cfg(ocispec.ImageConfig{Volumes: map[string]struct{}{"/data": {}, "/a": {}, "/b": {}}})},
	{name: "workdir user stopsignal", changes: []string{"WORKDIR /app", "WORKDIR sub", "USER 1000:1000", "STOPSIGNAL SIGINT"},
		want: cfg(ocispec.ImageConfig{WorkingDir: "/app/sub", User: "1000:1000", StopSignal: "SIGINT"})},
	{name: "healthcheck", changes: []string{"HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://localhost/"},
		want: dockerspec.DockerOCIImageConfig{DockerOCIImageConfigExt: dockerspec.DockerOCIImageConfigExt{
			Healthcheck: &dockerspec.HealthcheckConfig{Test: []string{"CMD-SHELL", "curl -f http://localhost/"}, Interval: 5 * time.Second, Retries: 3}}}},
	{name: "expansion", changes: []string{"ENV PATH=/bin HOME=/root", "ENV PATH=$PATH:/x A=${UNSET:-def} B=\\$HOME C='$HOME' D=\"$HOME\"", "WORKDIR ${HOME}/app", "LABEL home=$HOME alt=${HOME:+set}"},
		want: cfg(ocispec.ImageConfig{Env: []string{"PATH=/bin:/x", "HOME=/root", "A=def", "B=$HOME", "C=$HOME", "D=/root"}, WorkingDir: "/root/app",
			Labels: map[string]string{"home": "/root", "alt": "set"}})},
	{name: "run refused", changes: []string{"RUN x"}, wantErr: "run is not a valid change command"},
	{name: "unknown refused", changes: []string{"FOO x"}, wantErr: "foo is not a valid change command"},
	{name: "bad port", changes: []string{"EXPOSE http"}, wantErr: "EXPOSE: invalid containerPort: http"},
	{name: "env without value", changes: []string{"ENV A"}, wantErr: "ENV: requires at least two arguments"},
	{name: "unterminated quote", changes: []string{`LABEL a="b`}, wantErr: "LABEL: unterminated quoted string"},
}

func cfg(c ocispec.ImageConfig) dockerspec.DockerOCIImageConfig {
	return dockerspec.DockerOCIImageConfig{ImageConfig: c}
}

func TestApplyChanges(t *testing.T) {
	for _, tc := range changeTests {
		t.Run(tc.name, func(t *testing.T) {
			var got dockerspec.DockerOCIImageConfig
			err := changes.Apply(&got, tc.changes)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func FuzzApplyChanges(f *testing.F) {
	for _, tc := range changeTests {
		for _, c := range tc.changes {
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, change string) {
		var c dockerspec.DockerOCIImageConfig
		if err := changes.Apply(&c, []string{change}); err != nil {
			return
		}
		// Applying the same change twice is idempotent for every
		// instruction but ONBUILD, which appends.
		again := c
		again.Env = append([]string(nil), c.Env...)
		if err := changes.Apply(&again, []string{change}); err != nil {
			t.Fatalf("second application of %q failed: %v", change, err)
		}
		if len(again.Env) != len(c.Env) {
			t.Fatalf("ENV %q duplicated: %v", change, again.Env)
		}
	})
}
