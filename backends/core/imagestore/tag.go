package imagestore

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
)

// Tag gives the image source the name target ("repo" or "repo:tag"; the tag
// defaults to latest). A name that pointed at another image moves, as with
// docker tag.
func (s *Store) Tag(ctx context.Context, source, target string) error {
	named, err := ParseTag(target)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.lookup(source)
	if err != nil {
		return err
	}
	e, err = s.setRefs(e, []reference.Named{named}, time.Now().UTC())
	if err != nil {
		return err
	}
	s.publish(ctx, events.ActionTag, e.rec.ID, reference.FamiliarString(named), e.config.Config.Labels)
	return nil
}

// ParseTag parses a name to tag an image with: a repository with an optional
// tag, defaulting to latest. Digests are refused, as dockerd refuses them.
func ParseTag(ref string) (reference.NamedTagged, error) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if _, ok := named.(reference.Canonical); ok {
		return nil, errdefs.ErrInvalidArgument.WithMessage("refusing to create a tag with a digest reference")
	}
	tagged, ok := reference.TagNameOnly(named).(reference.NamedTagged)
	if !ok {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid reference %q", ref))
	}
	return tagged, nil
}

// RepoTag joins the repo and tag query parameters of Docker's endpoints
// (import, tag, commit) into one reference, as dockerd's RepoTagReference:
// nil when repo is empty, the tag defaulting to latest.
func RepoTag(repo, tag string) (reference.NamedTagged, error) {
	if repo == "" {
		return nil, nil
	}
	named, err := reference.ParseNormalizedNamed(repo)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if _, ok := named.(reference.Digested); ok {
		return nil, errdefs.ErrInvalidArgument.WithMessage("cannot import digest reference")
	}
	if tag != "" {
		tagged, err := reference.WithTag(named, tag)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		return tagged, nil
	}
	tagged, ok := reference.TagNameOnly(named).(reference.NamedTagged)
	if !ok {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unexpected reference: %q", named.String()))
	}
	return tagged, nil
}

// setRefs points refs at e and persists the reference map, then the
// record with its new LastTagTime. Entries are replaced, never changed in
// place, so readers holding one outside mu see a consistent record.
// Callers hold mu; the returned entry is the current one.
func (s *Store) setRefs(e *entry, refs []reference.Named, now time.Time) (*entry, error) {
	if len(refs) == 0 {
		return e, nil
	}
	for _, r := range refs {
		s.refs[r.String()] = e.rec.ID
	}
	if err := s.saveRefs(); err != nil {
		return e, err
	}
	ne := *e
	ne.rec.LastTagTime = now
	if err := s.db.Put(kindImages, hexOf(ne.rec.ID), ne.rec); err != nil {
		return e, err
	}
	s.images[ne.rec.ID] = &ne
	return &ne, nil
}

// publish sends an image event when the store has a publisher, as
// dockerd's LogImageEvent: the image's labels plus "name" (a reference for
// tag, pull and push, the image ID for the others).
func (s *Store) publish(ctx context.Context, action events.Action, id, name string, labels map[string]string) {
	if s.opts.Events == nil {
		return
	}
	now := time.Now()
	attrs := maps.Clone(labels)
	if attrs == nil {
		attrs = map[string]string{}
	}
	if name != "" {
		attrs["name"] = name
	}
	s.opts.Events.Publish(ctx, events.Message{
		Type:     events.ImageEventType,
		Action:   action,
		Actor:    events.Actor{ID: id, Attributes: attrs},
		Scope:    "local",
		Time:     now.Unix(),
		TimeNano: now.UnixNano(),
	})
}

func hexOf(id string) string {
	if len(id) > 7 && id[:7] == "sha256:" {
		return id[7:]
	}
	return id
}

func shortID(id string) string {
	h := hexOf(id)
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
