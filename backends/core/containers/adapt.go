package containers

import (
	"context"
	"encoding/json"

	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/httpx"
)

// configV151 keeps Config.OnBuild, which API 1.51 sends as null when the
// image had none (1.52 omits it).
type configV151 struct {
	*container.Config
	OnBuild []string
}

// The API versions at which fields of inspect and list bodies appeared
// or changed (docs/docker-api version history).
const (
	withGwPriority      = "1.48" // NetworkSettings.Networks.*.GwPriority
	withDNSNames        = "1.44" // NetworkSettings.Networks.*.DNSNames
	withoutKernelMemory = "1.42" // HostConfig.KernelMemory{,TCP} omitted when unset
)

// olderThan reports whether the request's API version is below v.
func olderThan(ctx context.Context, v string) bool {
	return httpx.CompareVersions(httpx.APIVersion(ctx), v) < 0
}

// needsAdapting reports whether bodies for ctx's API version differ from
// the newest, so that the common case skips the JSON round trip.
func needsAdapting(ctx context.Context) bool { return olderThan(ctx, withGwPriority) }

// adaptInspect rewrites an inspect body for an older API version, as
// dockerd's router does: fields newer than the version are dropped and
// fields it still had are put back.
func adaptInspect(ctx context.Context, body any) (any, error) {
	if !needsAdapting(ctx) {
		return body, nil
	}
	m, err := toMap(body)
	if err != nil {
		return nil, err
	}
	if hc, ok := m["HostConfig"].(map[string]any); ok && olderThan(ctx, withoutKernelMemory) {
		for _, k := range []string{"KernelMemory", "KernelMemoryTCP"} {
			if _, ok := hc[k]; !ok {
				hc[k] = 0
			}
		}
	}
	adaptNetworks(ctx, m)
	return m, nil
}

// adaptList rewrites a list body (a JSON array) for an older API version.
func adaptList(ctx context.Context, body []byte) ([]byte, error) {
	if !needsAdapting(ctx) {
		return body, nil
	}
	var list []map[string]any
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	for _, m := range list {
		adaptNetworks(ctx, m)
	}
	return json.Marshal(list)
}

// adaptNetworks drops the endpoint fields newer than ctx's API version.
func adaptNetworks(ctx context.Context, m map[string]any) {
	ns, _ := m["NetworkSettings"].(map[string]any)
	nets, _ := ns["Networks"].(map[string]any)
	for _, ep := range nets {
		ep, ok := ep.(map[string]any)
		if !ok {
			continue
		}
		delete(ep, "GwPriority")
		if olderThan(ctx, withDNSNames) {
			delete(ep, "DNSNames")
		}
	}
}

func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}
