package ecr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type imageID struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

type imageOut struct {
	RegistryID             string  `json:"registryId"`
	RepositoryName         string  `json:"repositoryName"`
	ImageID                imageID `json:"imageId"`
	ImageManifest          string  `json:"imageManifest"`
	ImageManifestMediaType string  `json:"imageManifestMediaType"`
}

type imageFailure struct {
	ImageID       imageID `json:"imageId"`
	FailureCode   string  `json:"failureCode"`
	FailureReason string  `json:"failureReason"`
}

// manifestInfo reads what ECR reports about a manifest: its media type
// and the sum of its layers' sizes (imageSizeInBytes).
func manifestInfo(b []byte) (mediaType string, size int64, err error) {
	var m struct {
		MediaType string `json:"mediaType"`
		Config    struct {
			Size int64 `json:"size"`
		} `json:"config"`
		Layers []struct {
			Size int64 `json:"size"`
		} `json:"layers"`
		Manifests []json.RawMessage `json:"manifests"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", 0, err
	}
	for _, l := range m.Layers {
		size += l.Size
	}
	return m.MediaType, size + m.Config.Size, nil
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// record adds a pushed manifest to r under tag (empty for a push by
// digest); s.mu is held.
func (s *Service) record(r *repository, manifest []byte, mediaType, tag string) (*image, error) {
	mt, size, err := manifestInfo(manifest)
	if err != nil {
		return nil, invalidParam("Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'")
	}
	if mediaType == "" {
		mediaType = mt
	}
	if mediaType == "" {
		mediaType = "application/vnd.docker.distribution.manifest.v2+json"
	}
	d := digestOf(manifest)
	img := r.images[d]
	if img == nil {
		img = &image{Repo: r.Name, Digest: d, Manifest: string(manifest), MediaType: mediaType, Size: size, PushedAt: s.now(), Tags: []string{}}
		r.images[d] = img
	}
	if tag != "" && !slices.Contains(img.Tags, tag) {
		// A tag names one image: moving it untags the old one.
		for _, other := range r.images {
			if i := slices.Index(other.Tags, tag); i >= 0 {
				other.Tags = slices.Delete(other.Tags, i, i+1)
				s.saveImage(r, other)
			}
		}
		img.Tags = append(img.Tags, tag)
	}
	return img, s.saveImage(r, img)
}

// tagTaken reports whether tag names another image in an IMMUTABLE repo.
func tagTaken(r *repository, tag, digest string) bool {
	if r.TagMutability != "IMMUTABLE" || tag == "" {
		return false
	}
	for _, img := range r.images {
		if img.Digest != digest && slices.Contains(img.Tags, tag) {
			return true
		}
	}
	return false
}

type putImageInput struct {
	RepositoryName         string `json:"repositoryName"`
	ImageManifest          string `json:"imageManifest"`
	ImageManifestMediaType string `json:"imageManifestMediaType"`
	ImageTag               string `json:"imageTag"`
	ImageDigest            string `json:"imageDigest"`
}

type putImageOutput struct {
	Image imageOut `json:"image"`
}

func (s *Service) putImage(ctx context.Context, in *putImageInput) (*putImageOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	if in.ImageManifest == "" {
		return nil, awsproto.MissingParam("imageManifest")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	d := digestOf([]byte(in.ImageManifest))
	if in.ImageDigest != "" && in.ImageDigest != d {
		return nil, awsproto.Errorf(http.StatusBadRequest, "ImageDigestDoesNotMatchException",
			"Provided digest '%s' does not match the digest of the manifest '%s'", in.ImageDigest, d)
	}
	if img := r.images[d]; img != nil && (in.ImageTag == "" || slices.Contains(img.Tags, in.ImageTag)) {
		return nil, awsproto.Errorf(http.StatusBadRequest, "ImageAlreadyExistsException",
			"Image with digest '%s' and tag '%s' already exists in the repository with name '%s' in registry with id '%s'", d, in.ImageTag, r.Name, s.account)
	}
	if tagTaken(r, in.ImageTag, d) {
		return nil, awsproto.Errorf(http.StatusBadRequest, "ImageTagAlreadyExistsException",
			"The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", in.ImageTag, r.Name)
	}
	if missing := s.missingBlobs(r.Name, []byte(in.ImageManifest)); len(missing) > 0 {
		return nil, awsproto.Errorf(http.StatusBadRequest, "LayersNotFoundException",
			"Layers with digests '%v' required for pushing image into repository with name '%s' in the registry with id '%s' do not exist",
			missing, r.Name, s.account)
	}
	img, err := s.record(r, []byte(in.ImageManifest), in.ImageManifestMediaType, in.ImageTag)
	if err != nil {
		return nil, err
	}
	ref := in.ImageTag
	if ref == "" {
		ref = d
	}
	s.putRegistry(r.Name, ref, img)
	return &putImageOutput{imageOut{s.account, r.Name, imageID{d, in.ImageTag}, img.Manifest, img.MediaType}}, nil
}

// putRegistry stores a manifest in the data plane so that pulls find it.
func (s *Service) putRegistry(repo, ref string, img *image) {
	req := httptest.NewRequest(http.MethodPut, "/v2/"+repo+"/manifests/"+ref, bytes.NewReader([]byte(img.Manifest)))
	req.Header.Set("Content-Type", img.MediaType)
	s.registry.ServeHTTP(httptest.NewRecorder(), req)
}

type imageIDsInput struct {
	RepositoryName     string    `json:"repositoryName"`
	ImageIDs           []imageID `json:"imageIds"`
	AcceptedMediaTypes []string  `json:"acceptedMediaTypes"`
}

// find resolves an image ID; s.mu is held.
func find(r *repository, id imageID) *image {
	if id.ImageDigest != "" {
		img := r.images[id.ImageDigest]
		if img != nil && (id.ImageTag == "" || slices.Contains(img.Tags, id.ImageTag)) {
			return img
		}
		return nil
	}
	for _, img := range r.images {
		if slices.Contains(img.Tags, id.ImageTag) {
			return img
		}
	}
	return nil
}

type batchGetImageOutput struct {
	Images   []imageOut     `json:"images"`
	Failures []imageFailure `json:"failures"`
}

func (s *Service) batchGetImage(ctx context.Context, in *imageIDsInput) (*batchGetImageOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	if len(in.ImageIDs) == 0 {
		return nil, awsproto.MissingParam("imageIds")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	out := &batchGetImageOutput{Images: []imageOut{}, Failures: []imageFailure{}}
	for _, id := range in.ImageIDs {
		img := find(r, id)
		if img == nil {
			out.Failures = append(out.Failures, imageFailure{id, "ImageNotFound", "Requested image not found"})
			continue
		}
		out.Images = append(out.Images, imageOut{s.account, r.Name, imageID{img.Digest, id.ImageTag}, img.Manifest, img.MediaType})
	}
	return out, nil
}

type describeImagesInput struct {
	RepositoryName string    `json:"repositoryName"`
	ImageIDs       []imageID `json:"imageIds"`
	NextToken      string    `json:"nextToken"`
	MaxResults     *int32    `json:"maxResults"`
	Filter         *struct {
		TagStatus string `json:"tagStatus"`
	} `json:"filter"`
}

type imageDetail struct {
	RegistryID             string   `json:"registryId"`
	RepositoryName         string   `json:"repositoryName"`
	ImageDigest            string   `json:"imageDigest"`
	ImageTags              []string `json:"imageTags,omitempty"`
	ImageSizeInBytes       int64    `json:"imageSizeInBytes"`
	ImagePushedAt          float64  `json:"imagePushedAt"`
	ImageManifestMediaType string   `json:"imageManifestMediaType"`
}

type describeImagesOutput struct {
	ImageDetails []imageDetail `json:"imageDetails"`
	NextToken    string        `json:"nextToken,omitempty"`
}

func (s *Service) describeImages(ctx context.Context, in *describeImagesInput) (*describeImagesOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	n, err := maxResults(in.MaxResults, 1000)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	var imgs []*image
	if len(in.ImageIDs) > 0 {
		for _, id := range in.ImageIDs {
			img := find(r, id)
			if img == nil {
				return nil, awsproto.Errorf(http.StatusBadRequest, "ImageNotFoundException",
					"The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
					id.ImageDigest, id.ImageTag, r.Name, s.account)
			}
			imgs = append(imgs, img)
		}
	} else {
		for _, img := range r.images {
			status := ""
			if in.Filter != nil {
				status = in.Filter.TagStatus
			}
			if status == "TAGGED" && len(img.Tags) == 0 || status == "UNTAGGED" && len(img.Tags) > 0 {
				continue
			}
			imgs = append(imgs, img)
		}
	}
	sort.Slice(imgs, func(i, j int) bool { return imgs[i].Digest < imgs[j].Digest })
	keys := make([]string, len(imgs))
	for i, img := range imgs {
		keys[i] = img.Digest
	}
	page, next, err := pagetoken.Page("DescribeImages"+r.Name, keys, in.NextToken, n)
	if err != nil {
		return nil, invalidParam("Invalid parameter at 'nextToken'")
	}
	out := &describeImagesOutput{ImageDetails: []imageDetail{}, NextToken: next}
	for _, d := range page {
		img := r.images[d]
		out.ImageDetails = append(out.ImageDetails, imageDetail{s.account, r.Name, img.Digest, img.Tags,
			img.Size, epoch(img.PushedAt), img.MediaType})
	}
	return out, nil
}

type listImagesOutput struct {
	ImageIDs  []imageID `json:"imageIds"`
	NextToken string    `json:"nextToken,omitempty"`
}

func (s *Service) listImages(ctx context.Context, in *describeImagesInput) (*listImagesOutput, error) {
	in.ImageIDs = nil
	d, err := s.describeImages(ctx, in)
	if err != nil {
		return nil, err
	}
	out := &listImagesOutput{ImageIDs: []imageID{}, NextToken: d.NextToken}
	for _, img := range d.ImageDetails {
		if len(img.ImageTags) == 0 {
			out.ImageIDs = append(out.ImageIDs, imageID{ImageDigest: img.ImageDigest})
		}
		for _, t := range img.ImageTags {
			out.ImageIDs = append(out.ImageIDs, imageID{img.ImageDigest, t})
		}
	}
	return out, nil
}

type batchDeleteImageOutput struct {
	ImageIDs []imageID      `json:"imageIds"`
	Failures []imageFailure `json:"failures"`
}

func (s *Service) batchDeleteImage(ctx context.Context, in *imageIDsInput) (*batchDeleteImageOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	if len(in.ImageIDs) == 0 {
		return nil, awsproto.MissingParam("imageIds")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	out := &batchDeleteImageOutput{ImageIDs: []imageID{}, Failures: []imageFailure{}}
	for _, id := range in.ImageIDs {
		img := find(r, id)
		if img == nil {
			out.Failures = append(out.Failures, imageFailure{id, "ImageNotFound", "Requested image not found"})
			continue
		}
		if id.ImageDigest == "" && len(img.Tags) > 1 {
			// Deleting by tag removes only that tag while others remain.
			img.Tags = slices.DeleteFunc(img.Tags, func(t string) bool { return t == id.ImageTag })
			s.deleteRegistry(r.Name, id.ImageTag)
			s.saveImage(r, img)
			out.ImageIDs = append(out.ImageIDs, imageID{img.Digest, id.ImageTag})
			continue
		}
		for _, t := range img.Tags {
			out.ImageIDs = append(out.ImageIDs, imageID{img.Digest, t})
		}
		if len(img.Tags) == 0 {
			out.ImageIDs = append(out.ImageIDs, imageID{ImageDigest: img.Digest})
		}
		s.deleteImageLocked(r, img)
	}
	return out, nil
}

func (s *Service) deleteImageLocked(r *repository, img *image) {
	for _, t := range img.Tags {
		s.deleteRegistry(r.Name, t)
	}
	s.deleteRegistry(r.Name, img.Digest)
	delete(r.images, img.Digest)
	s.store.Delete(kindImages, r.Name+"@"+img.Digest)
}

func (s *Service) deleteRegistry(repo, ref string) {
	req := httptest.NewRequest(http.MethodDelete, "/v2/"+repo+"/manifests/"+ref, nil)
	s.registry.ServeHTTP(httptest.NewRecorder(), req)
}

// missingBlobs lists the config and layer digests of a manifest that the
// registry does not hold; ECR refuses PutImage for them.
func (s *Service) missingBlobs(repo string, manifest []byte) []string {
	var m struct {
		Config *struct {
			Digest string `json:"digest"`
		} `json:"config"`
		Layers []struct {
			Digest string `json:"digest"`
		} `json:"layers"`
	}
	if json.Unmarshal(manifest, &m) != nil {
		return nil
	}
	var digests, missing []string
	if m.Config != nil {
		digests = append(digests, m.Config.Digest)
	}
	for _, l := range m.Layers {
		digests = append(digests, l.Digest)
	}
	for _, d := range digests {
		rec := httptest.NewRecorder()
		s.registry.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/v2/"+repo+"/blobs/"+d, nil))
		if rec.Code != http.StatusOK {
			missing = append(missing, d)
		}
	}
	return missing
}
