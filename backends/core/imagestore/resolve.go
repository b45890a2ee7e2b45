package imagestore

import (
	"context"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
)

// Resolve finds an image by name, name:tag, name@digest, full ID (with or
// without "sha256:") or unique ID prefix. Names are normalized as Docker
// does: "alpine" is "docker.io/library/alpine:latest". A malformed name is
// errdefs.ErrInvalidArgument; an unknown one errdefs.ErrNotFound with
// Docker's "No such image: <ref>".
func (s *Store) Resolve(ctx context.Context, ref string) (Image, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := s.lookup(ref)
	if err != nil {
		return Image{}, err
	}
	return s.image(e), nil
}

// List returns every image, newest first.
func (s *Store) List(ctx context.Context) []Image {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Image, 0, len(s.images))
	for _, e := range s.images {
		out = append(out, s.image(e))
	}
	slices.SortFunc(out, func(a, b Image) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// lookup resolves ref; callers hold mu.
func (s *Store) lookup(ref string) (*entry, error) {
	if id, ok := fullID(ref); ok {
		if e := s.images[id]; e != nil {
			return e, nil
		}
		return nil, notFound(ref)
	}
	named, perr := reference.ParseNormalizedNamed(ref)
	if perr == nil {
		if id, ok := s.refs[reference.TagNameOnly(named).String()]; ok {
			if e := s.images[id]; e != nil {
				return e, nil
			}
		}
	}
	if prefix := strings.TrimPrefix(ref, "sha256:"); prefix != "" && len(prefix) < 64 && isHex(prefix) {
		var found *entry
		for id, e := range s.images {
			if strings.HasPrefix(strings.TrimPrefix(id, "sha256:"), prefix) {
				if found != nil {
					return nil, notFound(ref) // ambiguous prefixes match nothing, as in dockerd
				}
				found = e
			}
		}
		if found != nil {
			return found, nil
		}
	}
	if perr != nil && !strings.HasPrefix(ref, "sha256:") {
		return nil, errdefs.ErrInvalidArgument.WithMessage(perr.Error())
	}
	return nil, notFound(ref)
}

// fullID returns the image ID ref names when it is a full ID.
func fullID(ref string) (string, bool) {
	id := ref
	if !strings.HasPrefix(id, "sha256:") {
		id = "sha256:" + id
	}
	return id, validDigest(id)
}

// notFound is Docker's error for an unknown image; names are shown in their
// familiar form with the default tag ("No such image: nope:latest").
func notFound(ref string) error {
	return errdefs.ErrNotFound.WithMessage("No such image: " + familiar(ref))
}

func familiar(ref string) string {
	if _, ok := fullID(ref); ok || strings.HasPrefix(ref, "sha256:") {
		return ref
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	return reference.FamiliarString(reference.TagNameOnly(named))
}

// image builds the Image view of e; callers hold mu.
func (s *Store) image(e *entry) Image {
	img := Image{
		ID:            e.rec.ID,
		RepoTags:      []string{},
		RepoDigests:   []string{},
		Config:        e.config,
		LastTagTime:   e.rec.LastTagTime,
		Layers:        slices.Clone(e.rec.Layers),
		Parent:        e.rec.Parent,
		Comment:       e.extra.Comment,
		DockerVersion: e.extra.DockerVersion,
	}
	if h := e.config.History; img.Comment == "" && len(h) > 0 {
		img.Comment = h[len(h)-1].Comment
	}
	if e.config.Created != nil {
		img.Created = *e.config.Created
	}
	for _, l := range e.rec.Layers {
		img.Size += l.Unpacked
	}
	for ref, id := range s.refs {
		if id != e.rec.ID {
			continue
		}
		named, err := reference.ParseNormalizedNamed(ref)
		if err != nil {
			continue
		}
		if _, ok := named.(reference.Canonical); ok {
			img.RepoDigests = append(img.RepoDigests, reference.FamiliarString(named))
		} else {
			img.RepoTags = append(img.RepoTags, reference.FamiliarString(named))
		}
	}
	slices.Sort(img.RepoTags)
	slices.Sort(img.RepoDigests)
	return img
}

// refsOf returns the parsed references to id; callers hold mu.
func (s *Store) refsOf(id string) []reference.Named {
	var out []reference.Named
	for ref, rid := range s.refs {
		if rid != id {
			continue
		}
		if named, err := reference.ParseNormalizedNamed(ref); err == nil {
			out = append(out, named)
		}
	}
	slices.SortFunc(out, func(a, b reference.Named) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// children returns the images committed on id; callers hold mu.
func (s *Store) children(id string) []string {
	var out []string
	for cid, e := range s.images {
		if e.rec.Parent == id {
			out = append(out, cid)
		}
	}
	slices.Sort(out)
	return out
}

// HasChildren reports whether images were committed on id. docker images
// hides such untagged intermediate images unless asked for all.
func (s *Store) HasChildren(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.children(id)) > 0
}

// Children returns the images committed on id ("" for images without a
// parent), as the classic builder's cache looks them up.
func (s *Store) Children(ctx context.Context, id string) []Image {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Image
	for _, cid := range s.children(id) {
		out = append(out, s.image(s.images[cid]))
	}
	return out
}
