package images

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/imagestore"
)

var (
	jsonMarshal   = json.Marshal
	jsonUnmarshal = json.Unmarshal
)

// summary is image.Summary plus VirtualSize, still sent for API < 1.44.
type summary struct {
	image.Summary
	VirtualSize int64 `json:",omitempty"`
}

func (h handlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f, err := parseFilters(q.Get("filters"))
	if err != nil {
		return err
	}
	if err := f.validate("dangling", "label", "before", "since", "reference", "until"); err != nil {
		return err
	}
	danglingOnly, err := f.boolOrDefault("dangling", false)
	if err != nil {
		return err
	}
	before, since, err := h.timeBounds(r, f)
	if err != nil {
		return err
	}
	all := h.s.List(ctx)
	var shared map[string]int
	if apiAtLeast(r, "1.42") && boolValue(r, "shared-size") {
		shared = layerUsers(all)
	}
	out := []summary{}
	for _, img := range all {
		if !before.IsZero() && !img.Created.Before(before) || !since.IsZero() && !img.Created.After(since) {
			continue
		}
		if f.has("label") && !f.matchKV("label", img.Config.Config.Labels) {
			continue
		}
		tags, digests, err := matchReferences(f, img)
		if err != nil {
			return err
		}
		children := h.s.HasChildren(img.ID)
		if danglingOnly && children {
			continue // dockerd lists only images without children then
		}
		if len(tags)+len(digests) == 0 {
			// Untagged parents of committed images are intermediate
			// images, listed only with all=1.
			if children && !boolValue(r, "all") || f.has("reference") || (f.has("dangling") && !danglingOnly) {
				continue
			}
		} else if danglingOnly && len(tags) > 0 {
			continue
		}
		sum := h.summaryOf(r, img, tags, digests)
		if shared != nil {
			sum.SharedSize = 0
			for _, l := range img.Layers {
				if shared[l.Digest] > 1 {
					sum.SharedSize += l.Unpacked
				}
			}
		}
		out = append(out, sum)
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// layerUsers counts the images using each layer blob.
func layerUsers(imgs []imagestore.Image) map[string]int {
	n := map[string]int{}
	for _, img := range imgs {
		for _, l := range img.Layers {
			n[l.Digest]++
		}
	}
	return n
}

// timeBounds reads the before, since and until filters.
func (h handlers) timeBounds(r *http.Request, f filters) (before, since time.Time, err error) {
	for _, v := range f.values("before") {
		img, err := h.s.Resolve(r.Context(), v)
		if err != nil {
			return before, since, err
		}
		if before.IsZero() || before.After(img.Created) {
			before = img.Created
		}
	}
	for _, v := range f.values("until") {
		t, err := parseTimestamp(v, time.Now())
		if err != nil {
			return before, since, err
		}
		if before.IsZero() || before.After(t) {
			before = t
		}
	}
	for _, v := range f.values("since") {
		img, err := h.s.Resolve(r.Context(), v)
		if err != nil {
			return before, since, err
		}
		if since.Before(img.Created) {
			since = img.Created
		}
	}
	return before, since, nil
}

// matchReferences returns the image's tags and digests the reference
// filter lets through (all of them without the filter).
func matchReferences(f filters, img imagestore.Image) (tags, digests []string, err error) {
	keep := func(ref string) (bool, error) {
		if !f.has("reference") {
			return true, nil
		}
		named, err := reference.ParseNormalizedNamed(ref)
		if err != nil {
			return false, nil
		}
		for _, pattern := range f.values("reference") {
			ok, err := reference.FamiliarMatch(pattern, named)
			if err != nil {
				return false, errdefs.ErrInvalidArgument.WithMessage(err.Error())
			}
			if ok {
				return true, nil
			}
		}
		return false, nil
	}
	tags, digests = []string{}, []string{}
	for _, t := range img.RepoTags {
		ok, err := keep(t)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			tags = append(tags, t)
		}
	}
	for _, d := range img.RepoDigests {
		ok, err := keep(d)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			digests = append(digests, d)
		}
	}
	return tags, digests, nil
}

func (h handlers) summaryOf(r *http.Request, img imagestore.Image, tags, digests []string) summary {
	s := summary{Summary: image.Summary{
		ID: img.ID, Created: img.Created.Unix(), Labels: img.Config.Config.Labels,
		RepoTags: tags, RepoDigests: digests, Size: img.Size, SharedSize: -1, Containers: -1, ParentID: img.Parent,
	}}
	if apiAtLeast(r, "1.51") {
		s.Containers = int64(len(h.s.ContainersUsing(img.ID)))
	}
	if !apiAtLeast(r, "1.44") {
		s.VirtualSize = img.Size
	}
	if !apiAtLeast(r, "1.43") && len(tags)+len(digests) == 0 {
		s.RepoTags, s.RepoDigests = []string{"<none>:<none>"}, []string{"<none>@<none>"}
	}
	return s
}

func (h handlers) history(w http.ResponseWriter, r *http.Request, name string) error {
	items, err := h.s.History(r.Context(), name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, items)
}

func (h handlers) tag(w http.ResponseWriter, r *http.Request, name string) error {
	q := r.URL.Query()
	ref, err := imagestore.RepoTag(q.Get("repo"), q.Get("tag"))
	if err != nil {
		return err
	}
	if ref == nil {
		return errdefs.ErrInvalidArgument.WithMessage("repository name must have at least one component")
	}
	if reference.FamiliarName(ref) == "sha256" {
		return errdefs.ErrInvalidArgument.WithMessage("refusing to create an ambiguous tag using digest algorithm as name")
	}
	if err := h.s.Tag(r.Context(), name, ref.String()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (h handlers) remove(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("ref")
	if strings.TrimSpace(name) == "" {
		return errdefs.ErrInvalidArgument.WithMessage("image name cannot be blank")
	}
	resp, err := h.s.Delete(r.Context(), name, boolValue(r, "force"), !boolValue(r, "noprune"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, resp)
}

func (h handlers) prune(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.validate("dangling", "label", "label!", "until"); err != nil {
		return err
	}
	dangling, err := f.boolOrDefault("dangling", true)
	if err != nil {
		return err
	}
	var until time.Time
	for _, v := range f.values("until") {
		if until, err = parseTimestamp(v, time.Now()); err != nil {
			return err
		}
	}
	match := func(img imagestore.Image) bool {
		labels := img.Config.Config.Labels
		if !until.IsZero() && !img.Created.Before(until) {
			return false
		}
		if f.has("label") && !f.matchKV("label", labels) {
			return false
		}
		return !f.has("label!") || !f.matchKV("label!", labels)
	}
	report, err := h.s.Prune(r.Context(), imagestore.PruneOptions{All: !dangling, Match: match})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, report)
}
