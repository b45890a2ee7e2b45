package images

import (
	"maps"
	"net/http"
	"time"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/storage"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/imagestore"
)

// graphDriver names our storage in GraphDriver.Name: layers unpacked into
// a private directory per container, like dockerd's vfs driver.
const graphDriver = "sockerless"

// inspectResponse is image.InspectResponse plus the fields dockerd 28
// still sends at API 1.51 and below that moby's newer types dropped.
type inspectResponse struct {
	image.InspectResponse
	Parent        string
	DockerVersion string
	// Author and Comment shadow omitempty fields dockerd always sends.
	Author          string
	Comment         string
	VirtualSize     int64          `json:",omitempty"` // API < 1.44
	ContainerConfig map[string]any `json:",omitempty"` // API < 1.45
	// Config shadows InspectResponse.Config to add the keys dockerd keeps
	// even when empty (its legacyConfigFields).
	Config map[string]any
}

// Config keys dockerd sends even when empty: for API < 1.50 the whole
// legacy container.Config, from 1.50 those that lacked omitempty.
var (
	legacyConfig149 = map[string]any{
		"AttachStderr": false, "AttachStdin": false, "AttachStdout": false, "Cmd": nil,
		"Domainname": "", "Entrypoint": nil, "Env": nil, "Hostname": "", "Image": "", "Labels": nil,
		"OnBuild": nil, "OpenStdin": false, "StdinOnce": false, "Tty": false, "User": "",
		"Volumes": nil, "WorkingDir": "",
	}
	legacyConfig150 = map[string]any{
		"Cmd": nil, "Entrypoint": nil, "Env": nil, "Labels": nil, "OnBuild": nil,
		"User": "", "Volumes": nil, "WorkingDir": "",
	}
)

func (h handlers) inspect(w http.ResponseWriter, r *http.Request, name string) error {
	img, err := h.s.Resolve(r.Context(), name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, inspectOf(r, img))
}

func inspectOf(r *http.Request, img imagestore.Image) inspectResponse {
	c := img.Config
	resp := inspectResponse{InspectResponse: image.InspectResponse{
		ID:           img.ID,
		RepoTags:     img.RepoTags,
		RepoDigests:  img.RepoDigests,
		Architecture: c.Architecture,
		Variant:      c.Variant,
		Os:           c.OS,
		OsVersion:    c.OSVersion,
		Size:         img.Size,
		GraphDriver:  &storage.DriverData{Name: graphDriver, Data: map[string]string{}},
		RootFS:       image.RootFS{Type: c.RootFS.Type},
		Metadata:     image.Metadata{LastTagTime: img.LastTagTime},
	}}
	resp.Author, resp.Comment, resp.Parent, resp.DockerVersion = c.Author, img.Comment, img.Parent, img.DockerVersion
	if c.Created != nil {
		resp.Created = c.Created.Format(time.RFC3339Nano)
	}
	for _, d := range c.RootFS.DiffIDs {
		resp.RootFS.Layers = append(resp.RootFS.Layers, string(d))
	}
	legacy := legacyConfig150
	if !apiAtLeast(r, "1.50") {
		legacy = legacyConfig149
	}
	resp.Config = mergeJSON(legacy, c.Config)
	if !apiAtLeast(r, "1.44") {
		resp.VirtualSize = img.Size
		if resp.Created == "" {
			resp.Created = time.Time{}.Format(time.RFC3339Nano)
		}
	}
	if !apiAtLeast(r, "1.45") {
		resp.ContainerConfig = maps.Clone(legacyConfig149)
	}
	return resp
}

// mergeJSON returns base overlaid with the JSON object form of v.
func mergeJSON(base map[string]any, v any) map[string]any {
	out := maps.Clone(base)
	var m map[string]any
	if data, err := jsonMarshal(v); err == nil && jsonUnmarshal(data, &m) == nil {
		maps.Copy(out, m)
	}
	return out
}
