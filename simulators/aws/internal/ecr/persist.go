package ecr

import (
	"encoding/json"
	"io"
	"log"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/sockerless/sockerless/simulators/core/state"
)

const (
	kindRepos  = "ecr/repos"
	kindImages = "ecr/images"
)

// New returns the ECR service for account. host is the registry's
// host:port as clients reach it; blobDir, when set, keeps blobs on disk.
// With strict, the registry accepts only tokens GetAuthorizationToken
// issued.
func New(account, host string, store *state.Store, blobDir string, strict bool) (*Service, error) {
	opts := []registry.Option{registry.Logger(log.New(io.Discard, "", 0))}
	if blobDir != "" {
		opts = append(opts, registry.WithBlobHandler(registry.NewDiskBlobHandler(blobDir)))
	}
	s := &Service{account: account, host: host, store: store, registry: registry.New(opts...), strict: strict,
		now: time.Now, repos: map[string]*repository{}, tokens: map[string]time.Time{}}
	return s, s.load()
}

func (s *Service) saveRepo(r *repository) error { return s.store.Put(kindRepos, r.Name, r) }

func (s *Service) saveImage(r *repository, img *image) error {
	return s.store.Put(kindImages, r.Name+"@"+img.Digest, img)
}

// load reads repositories and images and replays the manifests into the
// registry, whose own manifest store is in memory.
func (s *Service) load() error {
	err := s.store.Load(kindRepos, func(_ string, b []byte) error {
		r := &repository{}
		if err := json.Unmarshal(b, r); err != nil {
			return err
		}
		r.images = map[string]*image{}
		s.repos[r.Name] = r
		return nil
	})
	if err != nil {
		return err
	}
	return s.store.Load(kindImages, func(_ string, b []byte) error {
		img := &image{}
		if err := json.Unmarshal(b, img); err != nil {
			return err
		}
		r := s.repos[img.Repo]
		if r == nil {
			return nil
		}
		r.images[img.Digest] = img
		s.putRegistry(r.Name, img.Digest, img)
		for _, t := range img.Tags {
			s.putRegistry(r.Name, t, img)
		}
		return nil
	})
}
