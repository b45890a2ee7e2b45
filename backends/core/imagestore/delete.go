package imagestore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
)

// Delete removes the reference ref or, when it is the image's last one or an
// ID, the image itself: docker rmi. It follows dockerd's ImageDelete: a
// stopped container using the image is a conflict unless force is set, a
// running one always is; an ID with references in several repositories
// needs force. prune (removing untagged parents) has nothing to do here
// since imported and pulled images have no parent chain.
func (s *Store) Delete(ctx context.Context, ref string, force, prune bool) ([]image.DeleteResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.lookup(ref)
	if err != nil {
		return nil, err
	}
	id := e.rec.ID
	refs := s.refsOf(id)
	records := []image.DeleteResponse{}
	quiet := false
	if !isIDPrefix(id, ref) {
		if !force && isSingleReference(refs) {
			if c := s.firstContainer(id, nil); c != "" {
				return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf(
					"conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
					ref, shortID(c), shortID(id)))
			}
		}
		named, err := reference.ParseNormalizedNamed(ref)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		named = reference.TagNameOnly(named)
		records = append(records, s.untag(ctx, id, named)...)
		if _, canonical := named.(reference.Canonical); !canonical && !hasTagIn(s.refsOf(id), named.Name()) {
			for _, r := range s.refsOf(id) {
				if _, ok := r.(reference.Canonical); ok && r.Name() == named.Name() {
					records = append(records, s.untag(ctx, id, r)...)
				}
			}
		}
		if len(s.refsOf(id)) > 0 {
			return records, s.saveRefs()
		}
		quiet = true
	} else if isSingleReference(refs) {
		if err := s.conflict(id, !force, false); err != nil {
			return nil, err
		}
		for _, r := range refs {
			records = append(records, s.untag(ctx, id, r)...)
		}
	}
	return s.deleteImage(ctx, id, force, prune, quiet, records)
}

// deleteImage is dockerd's imageDeleteHelper: it deletes id unless a
// conflict forbids it (quiet ignores conflicts on images still in use or
// referenced), then, with prune, the parents nothing else needs. Callers
// hold mu.
func (s *Store) deleteImage(ctx context.Context, id string, force, prune, quiet bool, records []image.DeleteResponse) ([]image.DeleteResponse, error) {
	if err := s.conflict(id, !force, true); err != nil {
		var c *conflictError
		if quiet && (!s.dangling(id) || errors.As(err, &c) && c.used) {
			return records, s.saveRefs()
		}
		return nil, err
	}
	parent := s.images[id].rec.Parent
	for _, r := range s.refsOf(id) {
		records = append(records, s.untag(ctx, id, r)...)
	}
	if err := s.saveRefs(); err != nil {
		return nil, err
	}
	if err := s.remove(id); err != nil {
		return nil, err
	}
	s.publish(ctx, events.ActionDelete, id, id, nil)
	records = append(records, image.DeleteResponse{Deleted: id})
	if !prune || parent == "" || s.images[parent] == nil {
		return records, nil
	}
	return s.deleteImage(ctx, parent, false, true, true, records)
}

// dangling reports whether id has neither references nor children.
func (s *Store) dangling(id string) bool {
	return len(s.refsOf(id)) == 0 && len(s.children(id)) == 0
}

// untag drops one reference in memory; the caller saves the map.
func (s *Store) untag(ctx context.Context, id string, r reference.Named) []image.DeleteResponse {
	delete(s.refs, r.String())
	s.publish(ctx, events.ActionUnTag, id, id, s.labels(id))
	return []image.DeleteResponse{{Untagged: reference.FamiliarString(r)}}
}

// conflict reports why id cannot be deleted, in dockerd's order: child
// images and running containers always; remaining references (activeRefs)
// and stopped containers only when soft is set.
func (s *Store) conflict(id string, soft, activeRefs bool) error {
	if len(s.children(id)) > 0 {
		return &conflictError{id: id, hard: true, msg: "image has dependent child images"}
	}
	running := func(c string) bool { return s.opts.Running != nil && s.opts.Running(c) }
	if c := s.firstContainer(id, running); c != "" {
		return &conflictError{id: id, hard: true, used: true, msg: "image is being used by running container " + shortID(c)}
	}
	if !soft {
		return nil
	}
	if activeRefs && len(s.refsOf(id)) > 0 {
		return &conflictError{id: id, msg: "image is referenced in multiple repositories"}
	}
	if c := s.firstContainer(id, func(c string) bool { return !running(c) }); c != "" {
		return &conflictError{id: id, used: true, msg: "image is being used by stopped container " + shortID(c)}
	}
	return nil
}

// conflictError is dockerd's imageDeleteConflict, an errdefs conflict.
type conflictError struct {
	id         string
	hard, used bool
	msg        string
}

func (e *conflictError) Error() string {
	force := "must be forced"
	if e.hard {
		force = "cannot be forced"
	}
	return fmt.Sprintf("conflict: unable to delete %s (%s) - %s", shortID(e.id), force, e.msg)
}

// Conflict marks the error as errdefs' conflict class (409).
func (e *conflictError) Conflict() {}

// firstContainer returns the first container using id that match accepts
// (any when match is nil).
func (s *Store) firstContainer(id string, match func(string) bool) string {
	if s.opts.UsedBy == nil {
		return ""
	}
	for _, c := range s.opts.UsedBy(id) {
		if match == nil || match(c) {
			return c
		}
	}
	return ""
}

// remove deletes the record of id and the blobs no other image uses;
// callers hold mu.
func (s *Store) remove(id string) error {
	e := s.images[id]
	if err := s.db.Delete(kindImages, hexOf(id)); err != nil {
		return err
	}
	delete(s.images, id)
	digests := []string{id}
	if e.rec.Manifest != "" {
		digests = append(digests, e.rec.Manifest)
	}
	for _, l := range e.rec.Layers {
		digests = append(digests, l.Digest)
	}
	if err := s.blobs.remove(digests, s.referencedBlobs()); err != nil {
		return err
	}
	return s.dropLayerCache()
}

func isIDPrefix(id, ref string) bool {
	return strings.HasPrefix(id, ref) || strings.HasPrefix(hexOf(id), ref)
}

func hasTagIn(refs []reference.Named, name string) bool {
	for _, r := range refs {
		if _, ok := r.(reference.Canonical); !ok && r.Name() == name {
			return true
		}
	}
	return false
}

// isSingleReference is dockerd's test that refs are one tag, possibly with
// digest references of the same repository.
func isSingleReference(refs []reference.Named) bool {
	if len(refs) <= 1 {
		return len(refs) == 1
	}
	var single reference.Named
	canonical := map[string]bool{}
	for _, r := range refs {
		if _, ok := r.(reference.Canonical); ok {
			canonical[r.Name()] = true
		} else if single == nil {
			single = r
		} else {
			return false
		}
	}
	if single == nil {
		single = refs[0]
	}
	return len(canonical) == 1 && canonical[single.Name()]
}

// labels are the labels of image id; callers hold mu.
func (s *Store) labels(id string) map[string]string {
	if e := s.images[id]; e != nil {
		return e.config.Config.Labels
	}
	return nil
}
