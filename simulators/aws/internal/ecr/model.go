// Package ecr serves Amazon Elastic Container Registry: the control plane
// (JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921) and the
// registry data plane (/v2/, the OCI distribution API, served by
// go-containerregistry's registry), so that `docker push`/`pull` and the
// SDK see the same repositories and images.
//
// API reference: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/.
package ecr

import (
	"net/http"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Target is the X-Amz-Target prefix of ECR.
const Target = "AmazonEC2ContainerRegistry_V20150921"

// Tag is ECR's capitalised key/value tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type repository struct {
	Region          string            `json:"region"`
	Name            string            `json:"name"`
	CreatedAt       time.Time         `json:"createdAt"`
	TagMutability   string            `json:"imageTagMutability"`
	ScanOnPush      bool              `json:"scanOnPush"`
	EncryptionType  string            `json:"encryptionType"`
	Tags            []Tag             `json:"tags"`
	Policy          string            `json:"policy,omitempty"`
	LifecyclePolicy string            `json:"lifecyclePolicy,omitempty"`
	images          map[string]*image // digest -> image
}

type image struct {
	Repo      string    `json:"repo"`
	Digest    string    `json:"digest"`
	Tags      []string  `json:"tags"`
	Manifest  string    `json:"manifest"`
	MediaType string    `json:"mediaType"`
	Size      int64     `json:"size"`
	PushedAt  time.Time `json:"pushedAt"`
}

// Service is the ECR simulator.
type Service struct {
	account, host string
	store         *state.Store
	registry      http.Handler // go-containerregistry's /v2/ handler
	strict        bool
	now           func() time.Time

	mu     sync.Mutex
	repos  map[string]*repository // name -> repository
	tokens map[string]time.Time   // issued registry passwords -> expiry
}

func repoNotFound(name, account string) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "RepositoryNotFoundException",
		"The repository with name '%s' does not exist in the registry with id '%s'", name, account)
}

func invalidParam(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

func (s *Service) repo(name string) (*repository, error) {
	r := s.repos[name]
	if r == nil {
		return nil, repoNotFound(name, s.account)
	}
	return r, nil
}

func (s *Service) repoARN(r *repository) string {
	return "arn:aws:ecr:" + r.Region + ":" + s.account + ":repository/" + r.Name
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
