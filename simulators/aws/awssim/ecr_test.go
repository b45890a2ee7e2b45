package awssim

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// login returns the registry credentials GetAuthorizationToken hands out,
// as `aws ecr get-login-password | docker login -u AWS` uses them.
func login(t *testing.T, c *ecr.Client) authn.Authenticator {
	t.Helper()
	out, err := c.GetAuthorizationToken(t.Context(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	user, pw, _ := strings.Cut(string(raw), ":")
	if user != "AWS" || out.AuthorizationData[0].ExpiresAt == nil {
		t.Fatalf("token %q", raw)
	}
	return &authn.Basic{Username: user, Password: pw}
}

func TestECRPushPullAndControlPlane(t *testing.T) {
	_, cfg, _ := start(t, Options{StrictAuth: true, Credentials: map[string]string{TestAccessKey: TestSecretKey}})
	c := ecr.NewFromConfig(cfg)
	ctx := t.Context()
	repo, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("team/app"),
		Tags: []ecrtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("team/app")})
	wantCode(t, err, "RepositoryAlreadyExistsException")
	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("Bad Name")})
	wantCode(t, err, "InvalidParameterException")

	uri := aws.ToString(repo.Repository.RepositoryUri)
	auth := login(t, c)
	img, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.ParseReference(uri+":v1", name.Insecure)
	// Without credentials the registry refuses, as ECR does.
	if err := remote.Write(ref, img); err == nil {
		t.Fatal("anonymous push accepted")
	}
	if err := remote.Write(ref, img, remote.WithAuth(auth), remote.WithContext(ctx)); err != nil {
		t.Fatal(err)
	}
	missing, _ := name.ParseReference(strings.Replace(uri, "team/app", "nope", 1)+":v1", name.Insecure)
	if err := remote.Write(missing, img, remote.WithAuth(auth)); err == nil || !strings.Contains(err.Error(), "NAME_UNKNOWN") {
		t.Fatalf("push to a missing repository: %v", err)
	}
	digest, _ := img.Digest()

	// The push shows in the control plane.
	d, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("team/app")})
	if err != nil || len(d.ImageDetails) != 1 || aws.ToString(d.ImageDetails[0].ImageDigest) != digest.String() ||
		d.ImageDetails[0].ImageTags[0] != "v1" || aws.ToInt64(d.ImageDetails[0].ImageSizeInBytes) < 2048 {
		t.Fatalf("DescribeImages: %v %+v", err, d)
	}
	bg, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("team/app"),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("v1")}, {ImageTag: aws.String("v9")}}})
	if err != nil || len(bg.Images) != 1 || len(bg.Failures) != 1 || bg.Failures[0].FailureCode != ecrtypes.ImageFailureCodeImageNotFound {
		t.Fatalf("BatchGetImage: %v %+v", err, bg)
	}

	// PutImage retags the manifest; pulls see the new tag.
	if _, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"),
		ImageManifest: bg.Images[0].ImageManifest, ImageTag: aws.String("latest")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("team/app"),
		ImageManifest: bg.Images[0].ImageManifest, ImageTag: aws.String("latest")})
	wantCode(t, err, "ImageAlreadyExistsException")
	latest, _ := name.ParseReference(uri+":latest", name.Insecure)
	pulled, err := remote.Image(latest, remote.WithAuth(auth))
	if err != nil {
		t.Fatal(err)
	}
	if pd, _ := pulled.Digest(); pd != digest {
		t.Errorf("pulled %s, pushed %s", pd, digest)
	}
	layers, _ := pulled.Layers()
	if len(layers) != 2 {
		t.Errorf("pulled %d layers", len(layers))
	}
	li, _ := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("team/app")})
	if len(li.ImageIds) != 2 {
		t.Errorf("ListImages = %+v", li.ImageIds)
	}

	// Policies and tags.
	if _, err := c.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String("team/app"), PolicyText: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	if p, err := c.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String("team/app")}); err != nil || !strings.Contains(aws.ToString(p.PolicyText), "2012-10-17") {
		t.Errorf("policy: %v", err)
	}
	_, err = c.GetLifecyclePolicy(ctx, &ecr.GetLifecyclePolicyInput{RepositoryName: aws.String("team/app")})
	wantCode(t, err, "LifecyclePolicyNotFoundException")
	if _, err := c.PutLifecyclePolicy(ctx, &ecr.PutLifecyclePolicyInput{RepositoryName: aws.String("team/app"), LifecyclePolicyText: aws.String(`{"rules":[]}`)}); err != nil {
		t.Fatal(err)
	}
	arn := repo.Repository.RepositoryArn
	c.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: arn, Tags: []ecrtypes.Tag{{Key: aws.String("x"), Value: aws.String("y")}}})
	tags, err := c.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(tags.Tags) != 2 {
		t.Errorf("tags: %v %+v", err, tags)
	}

	// Deletion.
	_, err = c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("team/app")})
	wantCode(t, err, "RepositoryNotEmptyException")
	del, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("team/app"), ImageIds: []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest.String())}}})
	if err != nil || len(del.ImageIds) != 2 {
		t.Fatalf("BatchDeleteImage: %v %+v", err, del)
	}
	if _, err := remote.Image(latest, remote.WithAuth(auth)); err == nil {
		t.Error("deleted image still pulls")
	}
	if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("team/app")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"team/app"}})
	wantCode(t, err, "RepositoryNotFoundException")
}

func TestECRPersists(t *testing.T) {
	dir := t.TempDir()
	_, cfg, _ := start(t, Options{DataDir: dir})
	c := ecr.NewFromConfig(cfg)
	repo, err := c.CreateRepository(t.Context(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := random.Image(512, 1)
	ref, _ := name.ParseReference(aws.ToString(repo.Repository.RepositoryUri)+":v1", name.Insecure)
	if err := remote.Write(ref, img, remote.WithAuth(login(t, c))); err != nil {
		t.Fatal(err)
	}
	_, cfg2, _ := start(t, Options{DataDir: dir})
	c2 := ecr.NewFromConfig(cfg2)
	d, err := c2.DescribeImages(t.Context(), &ecr.DescribeImagesInput{RepositoryName: aws.String("app")})
	if err != nil || len(d.ImageDetails) != 1 {
		t.Fatalf("after restart: %v %+v", err, d)
	}
	r2, _ := c2.DescribeRepositories(t.Context(), &ecr.DescribeRepositoriesInput{})
	ref2, _ := name.ParseReference(aws.ToString(r2.Repositories[0].RepositoryUri)+":v1", name.Insecure)
	pulled, err := remote.Image(ref2, remote.WithAuth(login(t, c2)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pulled.Layers(); err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if got, _ := pulled.Digest(); got != want {
		t.Errorf("digest %s, want %s", got, want)
	}
}
