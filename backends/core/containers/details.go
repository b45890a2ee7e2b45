package containers

import (
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// logDetails is the prefix `docker logs --details` puts before each line,
// as dockerd's json-file driver: the "labels" and "env" log options name
// container labels and environment variables whose values are shown as
// k=v joined by commas, then a space (a lone space when there are none).
func logDetails(c container.InspectResponse) []byte {
	var attrs []string
	var opts map[string]string
	if c.HostConfig != nil {
		opts = c.HostConfig.LogConfig.Config
	}
	if c.Config != nil {
		for _, k := range splitList(opts["labels"]) {
			if v, ok := c.Config.Labels[k]; ok {
				attrs = append(attrs, k+"="+v)
			}
		}
		for _, k := range splitList(opts["env"]) {
			for _, kv := range c.Config.Env {
				if name, v, ok := strings.Cut(kv, "="); ok && name == k {
					attrs = append(attrs, k+"="+v)
				}
			}
		}
	}
	slices.Sort(attrs)
	return []byte(strings.Join(attrs, ",") + " ")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
