package images_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/backends/core/imagestore"
	"github.com/sockerless/sockerless/backends/core/imagestore/imagestoretest"
)

func TestImportInspect(t *testing.T) {
	e := newEnv(t, "")
	id := e.importBusybox(t, "busybox:local", `CMD ["sh"]`, "ENV A=b", "LABEL x=y")
	got, err := e.cli.ImageInspect(t.Context(), "busybox:local")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || !slices.Equal(got.RepoTags, []string{"busybox:local"}) || got.Size != imagestoretest.RootFSSize(t) ||
		!slices.Equal(got.Config.Cmd, []string{"sh"}) || got.Config.Labels["x"] != "y" || got.Comment != "Imported from -" ||
		got.Os != "linux" || len(got.RootFS.Layers) != 1 || got.Metadata.LastTagTime.IsZero() {
		t.Errorf("inspect = %+v", got.InspectResponse)
	}
	if _, err := e.cli.ImageInspect(t.Context(), "nope"); !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), "No such image: nope:latest") {
		t.Errorf("inspect nope = %v", err)
	}
}

// TestInspectKeys checks the key set against dockerd's for each API era.
func TestInspectKeys(t *testing.T) {
	tests := []struct {
		version    string
		top        []string
		configKeys int
	}{
		{"1.41", []string{"Architecture", "Author", "Comment", "Config", "ContainerConfig", "Created", "DockerVersion", "GraphDriver", "Id", "Metadata", "Os", "Parent", "RepoDigests", "RepoTags", "RootFS", "Size", "VirtualSize"}, 17},
		{"1.51", []string{"Architecture", "Author", "Comment", "Config", "Created", "DockerVersion", "GraphDriver", "Id", "Metadata", "Os", "Parent", "RepoDigests", "RepoTags", "RootFS", "Size"}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.version, func(t *testing.T) {
			e := newEnv(t, tc.version)
			e.importBusybox(t, "bb:1")
			status, body := e.raw(t, "GET", "/v"+tc.version+"/images/bb:1/json", nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if d := cmp.Diff(tc.top, keys); d != "" {
				t.Errorf("keys (-want +got):\n%s", d)
			}
			var cfg map[string]any
			json.Unmarshal(m["Config"], &cfg)
			if len(cfg) != tc.configKeys {
				t.Errorf("Config has %d keys: %v", len(cfg), cfg)
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	e := newEnv(t, "")
	tests := []struct {
		name, query, body string
		status            int
		msg               string
	}{
		{"bad change", "fromSrc=-&repo=x&changes=RUN+x", "", 400, "run is not a valid change command"},
		{"bad repo", "fromSrc=-&repo=BAD", "", 400, "invalid reference format: repository name (library/BAD) must be lowercase"},
		{"bad tag", "fromSrc=-&repo=x&tag=a@b", "", 400, "invalid tag format"},
		{"not a tar", "fromSrc=-&repo=x", "garbage", 400, "Error processing tar file: unexpected EOF"},
		{"bad url", "fromSrc=ftp://example.com/x.tar", "", 400, "invalid import source"},
		{"bad platform", "fromSrc=-&platform=a/b/c/d", "", 400, `unknown operating system or architecture: invalid argument`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.raw(t, "POST", "/v1.51/images/create?"+tc.query, strings.NewReader(tc.body))
			if status != tc.status || !strings.Contains(body, tc.msg) {
				t.Errorf("%d %s, want %d %q", status, body, tc.status, tc.msg)
			}
		})
	}
}

func TestListFilters(t *testing.T) {
	e := newEnv(t, "")
	a := e.importBusybox(t, "a:1", "LABEL team=x")
	b := e.importBusybox(t, "b:1", "LABEL team=y")
	none := e.importBusybox(t, "", "CMD none")
	e.used[a] = []string{"c1"}
	tests := []struct {
		name    string
		filters client.Filters
		want    []string
	}{
		{"all", nil, []string{none, b, a}},
		{"dangling", client.Filters{}.Add("dangling", "true"), []string{none}},
		{"not dangling", client.Filters{}.Add("dangling", "false"), []string{b, a}},
		{"label", client.Filters{}.Add("label", "team=x"), []string{a}},
		{"label key", client.Filters{}.Add("label", "team"), []string{b, a}},
		{"reference", client.Filters{}.Add("reference", "a"), []string{a}},
		{"reference glob", client.Filters{}.Add("reference", "*:1"), []string{b, a}},
		{"before", client.Filters{}.Add("before", none), []string{b, a}},
		{"since", client.Filters{}.Add("since", a), []string{none, b}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.cli.ImageList(t.Context(), client.ImageListOptions{Filters: tc.filters})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range res.Items {
				got = append(got, s.ID)
				if s.ID == a && s.Containers != 1 {
					t.Errorf("containers of a = %d", s.Containers)
				}
			}
			// Images imported within the same second have no order but ID.
			if !sameSet(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	res, err := e.cli.ImageList(t.Context(), client.ImageListOptions{SharedSize: true})
	if err != nil || len(res.Items) != 3 || res.Items[0].SharedSize != imagestoretest.RootFSSize(t) {
		t.Errorf("shared size: %+v, %v", res.Items, err)
	}
	for _, bad := range []string{`{"nope":{"x":true}}`, `{"dangling":{"maybe":true}}`, `[`} {
		status, body := e.raw(t, "GET", "/v1.51/images/json?filters="+bad, nil)
		if status != 400 || !strings.Contains(body, "invalid filter") {
			t.Errorf("filters %s: %d %s", bad, status, body)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestHistoryTagRemove(t *testing.T) {
	e := newEnv(t, "")
	id := e.importBusybox(t, "bb:1")
	h, err := e.cli.ImageHistory(t.Context(), "bb:1")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Items) != 1 || h.Items[0].ID != id || h.Items[0].Comment != "Imported from -" || !slices.Equal(h.Items[0].Tags, []string{"bb:1"}) || h.Items[0].Size != imagestoretest.RootFSSize(t) {
		t.Errorf("history = %+v", h.Items)
	}
	if _, err := e.cli.ImageTag(t.Context(), client.ImageTagOptions{Source: "bb:1", Target: "localhost:5000/x/bb:2"}); err != nil {
		t.Fatal(err)
	}
	status, body := e.raw(t, "POST", "/v1.51/images/bb:1/tag?repo=sha256", nil)
	if status != 400 || !strings.Contains(body, "refusing to create an ambiguous tag") {
		t.Errorf("tag sha256: %d %s", status, body)
	}
	if status, body := e.raw(t, "POST", "/v1.51/images/nope/tag?repo=x", nil); status != 404 {
		t.Errorf("tag nope: %d %s", status, body)
	}
	e.used[id] = []string{"7f5f840c780c0000"}
	if _, err := e.cli.ImageRemove(t.Context(), id, client.ImageRemoveOptions{}); !errdefs.IsConflict(err) {
		t.Errorf("remove used image = %v", err)
	}
	res, err := e.cli.ImageRemove(t.Context(), id, client.ImageRemoveOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []image.DeleteResponse{{Untagged: "bb:1"}, {Untagged: "localhost:5000/x/bb:2"}, {Deleted: id}}
	if d := cmp.Diff(want, res.Items); d != "" {
		t.Errorf("remove (-want +got):\n%s", d)
	}
	if status, body := e.raw(t, "GET", "/v1.51/images/x/unknown", nil); status != 404 || body != "{\"message\":\"page not found\"}\n" {
		t.Errorf("unknown path: %d %s", status, body)
	}
}

func TestPrune(t *testing.T) {
	e := newEnv(t, "")
	dangling := e.importBusybox(t, "", "CMD d")
	e.importBusybox(t, "keep:1", "LABEL keep=yes")
	res, err := e.cli.ImagePrune(t.Context(), client.ImagePruneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The layer is shared with keep:1: nothing is reclaimed.
	if d := cmp.Diff([]image.DeleteResponse{{Deleted: dangling}}, res.Report.ImagesDeleted); d != "" || res.Report.SpaceReclaimed != 0 {
		t.Errorf("prune (-want +got):\n%s %d", d, res.Report.SpaceReclaimed)
	}
	res, err = e.cli.ImagePrune(t.Context(), client.ImagePruneOptions{Filters: client.Filters{}.Add("dangling", "false").Add("label!", "keep")})
	if err != nil || len(res.Report.ImagesDeleted) != 0 {
		t.Errorf("prune label! = %+v, %v", res.Report, err)
	}
	if _, err := e.cli.ImagePrune(t.Context(), client.ImagePruneOptions{Filters: client.Filters{}.Add("reference", "x")}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("prune bad filter = %v", err)
	}
}

func TestSaveLoad(t *testing.T) {
	src := newEnv(t, "")
	id := src.importBusybox(t, "bb:1", `CMD ["sh"]`)
	rc, err := src.cli.ImageSave(t.Context(), []string{"bb:1"})
	if err != nil {
		t.Fatal(err)
	}
	archive, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	status, many := src.raw(t, "GET", "/v1.51/images/get?names=bb:1&names="+id[7:19], nil)
	if status != 200 || len(many) < len(archive) {
		t.Errorf("get many: %d, %d bytes", status, len(many))
	}
	if status, body := src.raw(t, "GET", "/v1.51/images/nope/get", nil); status != 404 || !strings.Contains(body, "No such image") {
		t.Errorf("save nope: %d %s", status, body)
	}

	dst := newEnv(t, "")
	lr, err := dst.cli.ImageLoad(t.Context(), bytes.NewReader(archive), client.ImageLoadWithQuiet(true))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(lr)
	lr.Close()
	if string(out) != "{\"stream\":\"Loaded image: bb:1\\n\"}\r\n" {
		t.Errorf("load answered %q", out)
	}
	got, err := dst.cli.ImageInspect(t.Context(), "bb:1")
	if err != nil || got.ID != id {
		t.Fatalf("loaded image: %+v, %v", got.InspectResponse, err)
	}
	loud := newEnv(t, "")
	lr, err = loud.cli.ImageLoad(t.Context(), bytes.NewReader(archive), client.ImageLoadWithQuiet(false))
	if err != nil {
		t.Fatal(err)
	}
	out, _ = io.ReadAll(lr)
	lr.Close()
	if !strings.Contains(string(out), `"status":"Loading layer","progressDetail":{"current":`) || !strings.HasSuffix(string(out), "{\"stream\":\"Loaded image: bb:1\\n\"}\r\n") {
		t.Errorf("load without quiet answered %q", out)
	}
	lr, err = dst.cli.ImageLoad(t.Context(), strings.NewReader("garbage"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ = io.ReadAll(lr)
	lr.Close()
	if !strings.Contains(string(out), `"error":"Error processing tar file: unexpected EOF"`) {
		t.Errorf("bad load answered %q", out)
	}
}

func TestImportFromURL(t *testing.T) {
	tarball := imagestoretest.RootFS(t)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rootfs.tar" {
			http.NotFound(w, r)
			return
		}
		w.Write(tarball)
	}))
	defer files.Close()
	e := newEnv(t, "")
	rc, err := e.cli.ImageImport(t.Context(), client.ImageImportSource{SourceName: files.URL + "/rootfs.tar"}, "fromurl:1", client.ImageImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.HasPrefix(string(out), `{"status":"Downloading from `+files.URL+`/rootfs.tar"}`) || !strings.Contains(string(out), `"status":"Importing"`) {
		t.Errorf("import answered %q", out)
	}
	if img, err := e.cli.ImageInspect(t.Context(), "fromurl:1"); err != nil || img.Comment != "Imported from "+files.URL+"/rootfs.tar" {
		t.Errorf("inspect: %+v, %v", img.InspectResponse, err)
	}
	status, body := e.raw(t, "POST", "/v1.51/images/create?fromSrc="+files.URL+"/missing", nil)
	if status != 500 || !strings.Contains(body, "404 Not Found") {
		t.Errorf("missing URL: %d %s", status, body)
	}
}

// TestListIntermediate checks that untagged parents of committed images
// are listed only with all=1, as dockerd lists intermediate images.
func TestListIntermediate(t *testing.T) {
	e := newEnv(t, "")
	parent := e.importBusybox(t, "")
	child, err := e.store.Commit(t.Context(), parent, bytes.NewReader(imagestoretest.Tar(t)), imagestore.CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		all  bool
		want []string
	}{{false, []string{child.ID}}, {true, []string{child.ID, parent}}} {
		res, err := e.cli.ImageList(t.Context(), client.ImageListOptions{All: tc.all})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range res.Items {
			got = append(got, s.ID)
			if s.ID == child.ID && s.ParentID != parent {
				t.Errorf("ParentId = %q", s.ParentID)
			}
		}
		if !sameSet(got, tc.want) {
			t.Errorf("all=%v: %v, want %v", tc.all, got, tc.want)
		}
	}
	// moby's newer types dropped Parent; dockerd 28 still sends it.
	if _, body := e.raw(t, "GET", "/v1.51/images/"+child.ID+"/json", nil); !strings.Contains(body, `"Parent":"`+parent+`"`) {
		t.Errorf("inspect lacks the parent: %s", body)
	}
}
