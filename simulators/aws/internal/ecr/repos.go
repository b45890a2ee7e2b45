package ecr

import (
	"context"
	"net/http"
	"regexp"
	"sort"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

// repoNameRE is ECR's constraint on repository names.
var repoNameRE = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

type createRepositoryInput struct {
	RepositoryName             string `json:"repositoryName"`
	ImageTagMutability         string `json:"imageTagMutability"`
	ImageScanningConfiguration *struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration *struct {
		EncryptionType string `json:"encryptionType"`
	} `json:"encryptionConfiguration"`
	Tags []Tag `json:"tags"`
}

type repositoryOut struct {
	RepositoryArn              string            `json:"repositoryArn"`
	RegistryID                 string            `json:"registryId"`
	RepositoryName             string            `json:"repositoryName"`
	RepositoryURI              string            `json:"repositoryUri"`
	CreatedAt                  float64           `json:"createdAt"`
	ImageTagMutability         string            `json:"imageTagMutability"`
	ImageScanningConfiguration map[string]bool   `json:"imageScanningConfiguration"`
	EncryptionConfiguration    map[string]string `json:"encryptionConfiguration"`
}

func (s *Service) out(r *repository) repositoryOut {
	return repositoryOut{RepositoryArn: s.repoARN(r), RegistryID: s.account, RepositoryName: r.Name,
		RepositoryURI: s.host + "/" + r.Name, CreatedAt: epoch(r.CreatedAt), ImageTagMutability: r.TagMutability,
		ImageScanningConfiguration: map[string]bool{"scanOnPush": r.ScanOnPush},
		EncryptionConfiguration:    map[string]string{"encryptionType": r.EncryptionType}}
}

type repositoryOutput struct {
	Repository repositoryOut `json:"repository"`
}

func (s *Service) createRepository(ctx context.Context, in *createRepositoryInput) (*repositoryOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	if len(in.RepositoryName) < 2 || len(in.RepositoryName) > 256 || !repoNameRE.MatchString(in.RepositoryName) {
		return nil, invalidParam("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''")
	}
	r := &repository{Region: awsproto.CallFrom(ctx).Region, Name: in.RepositoryName, CreatedAt: s.now(),
		TagMutability: "MUTABLE", EncryptionType: "AES256", Tags: in.Tags, images: map[string]*image{}}
	switch in.ImageTagMutability {
	case "", "MUTABLE":
	case "IMMUTABLE":
		r.TagMutability = "IMMUTABLE"
	default:
		return nil, invalidParam("Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'")
	}
	if in.ImageScanningConfiguration != nil {
		r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
	}
	if in.EncryptionConfiguration != nil && in.EncryptionConfiguration.EncryptionType != "" {
		r.EncryptionType = in.EncryptionConfiguration.EncryptionType
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.repos[r.Name] != nil {
		return nil, awsproto.Errorf(http.StatusBadRequest, "RepositoryAlreadyExistsException",
			"The repository with name '%s' already exists in the registry with id '%s'", r.Name, s.account)
	}
	if err := s.saveRepo(r); err != nil {
		return nil, err
	}
	s.repos[r.Name] = r
	return &repositoryOutput{s.out(r)}, nil
}

type describeRepositoriesInput struct {
	RepositoryNames []string `json:"repositoryNames"`
	NextToken       string   `json:"nextToken"`
	MaxResults      *int32   `json:"maxResults"`
}

type describeRepositoriesOutput struct {
	Repositories []repositoryOut `json:"repositories"`
	NextToken    string          `json:"nextToken,omitempty"`
}

func maxResults(m *int32, most int32) (int, error) {
	if m == nil {
		return int(most), nil
	}
	if *m < 1 || *m > most {
		return 0, invalidParam("Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to %d'", most)
	}
	return int(*m), nil
}

func (s *Service) describeRepositories(ctx context.Context, in *describeRepositoriesInput) (*describeRepositoriesOutput, error) {
	n, err := maxResults(in.MaxResults, 1000)
	if err != nil {
		return nil, err
	}
	if len(in.RepositoryNames) > 0 && (in.NextToken != "" || in.MaxResults != nil) {
		return nil, invalidParam("Cannot specify repository names together with nextToken or maxResults")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &describeRepositoriesOutput{Repositories: []repositoryOut{}}
	if len(in.RepositoryNames) > 0 {
		for _, name := range in.RepositoryNames {
			r, err := s.repo(name)
			if err != nil {
				return nil, err
			}
			out.Repositories = append(out.Repositories, s.out(r))
		}
		return out, nil
	}
	names := make([]string, 0, len(s.repos))
	for name := range s.repos {
		names = append(names, name)
	}
	sort.Strings(names)
	page, next, err := pagetoken.Page("DescribeRepositories", names, in.NextToken, n)
	if err != nil {
		return nil, invalidParam("Invalid parameter at 'nextToken'")
	}
	for _, name := range page {
		out.Repositories = append(out.Repositories, s.out(s.repos[name]))
	}
	out.NextToken = next
	return out, nil
}

type deleteRepositoryInput struct {
	RepositoryName string `json:"repositoryName"`
	Force          bool   `json:"force"`
}

func (s *Service) deleteRepository(ctx context.Context, in *deleteRepositoryInput) (*repositoryOutput, error) {
	if in.RepositoryName == "" {
		return nil, awsproto.MissingParam("repositoryName")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.repo(in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if len(r.images) > 0 && !in.Force {
		return nil, awsproto.Errorf(http.StatusBadRequest, "RepositoryNotEmptyException",
			"The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images", r.Name, s.account)
	}
	for _, img := range r.images {
		s.deleteImageLocked(r, img)
	}
	if err := s.store.Delete(kindRepos, r.Name); err != nil {
		return nil, err
	}
	delete(s.repos, r.Name)
	return &repositoryOutput{s.out(r)}, nil
}
