package containers

import (
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestLogDetails(t *testing.T) {
	c := container.InspectResponse{
		Config: &container.Config{Labels: map[string]string{"app": "web", "tier": "x"}, Env: []string{"A=1", "B=two"}},
		HostConfig: &container.HostConfig{LogConfig: container.LogConfig{Type: "json-file",
			Config: map[string]string{"labels": "tier,app,missing", "env": "B"}}},
	}
	if got := string(logDetails(c)); got != "B=two,app=web,tier=x " {
		t.Errorf("details = %q", got)
	}
	if got := string(logDetails(container.InspectResponse{Config: &container.Config{}, HostConfig: &container.HostConfig{}})); got != " " {
		t.Errorf("no attributes: %q", got)
	}
}
