package awssim

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestS3BucketsAndObjects(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		_, cfg, _ := start(t, Options{DataDir: dir, StrictAuth: true, Credentials: map[string]string{TestAccessKey: TestSecretKey}})
		c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		ctx := t.Context()
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("artifacts")}); err != nil {
			t.Fatal(err)
		}
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
		wantCode(t, err, "InvalidBucketName")
		for _, k := range []string{"logs/a.txt", "logs/b.txt", "readme.md", "deep/x/y.bin"} {
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("artifacts"), Key: aws.String(k),
				Body: strings.NewReader("content of " + k), Metadata: map[string]string{"job": "42"}}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("artifacts"), Key: aws.String("logs/a.txt")})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(got.Body)
		if string(b) != "content of logs/a.txt" || got.Metadata["job"] != "42" {
			t.Errorf("GetObject = %q %v", b, got.Metadata)
		}
		rg, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("artifacts"), Key: aws.String("readme.md"), Range: aws.String("bytes=0-6")})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(rg.Body)
		if string(b) != "content" {
			t.Errorf("range = %q", b)
		}
		_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("artifacts"), Key: aws.String("nope")})
		wantCode(t, err, "NoSuchKey")
		_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("artifacts"), Key: aws.String("nope")})
		if err == nil {
			t.Error("HeadObject of a missing key succeeded")
		}

		l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("artifacts"), Delimiter: aws.String("/")})
		if err != nil || len(l.Contents) != 1 || len(l.CommonPrefixes) != 2 {
			t.Fatalf("delimiter listing: %v contents=%d prefixes=%d", err, len(l.Contents), len(l.CommonPrefixes))
		}
		var keys []string
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("artifacts"), MaxKeys: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
		}
		if strings.Join(keys, ",") != "deep/x/y.bin,logs/a.txt,logs/b.txt,readme.md" {
			t.Errorf("paged keys = %v", keys)
		}
		if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("artifacts"), Key: aws.String("copy.md"), CopySource: aws.String("artifacts/readme.md")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("artifacts")})
		wantCode(t, err, "BucketNotEmpty")
		var ids []s3types.ObjectIdentifier
		for _, k := range append(keys, "copy.md") {
			ids = append(ids, s3types.ObjectIdentifier{Key: aws.String(k)})
		}
		if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("artifacts"), Delete: &s3types.Delete{Objects: ids}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("artifacts")}); err != nil {
			t.Fatal(err)
		}
		lb, _ := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if len(lb.Buckets) != 0 {
			t.Errorf("buckets left: %+v", lb.Buckets)
		}
	}
}

func TestS3LargeUploadAndPersistence(t *testing.T) {
	dir := t.TempDir()
	_, cfg, _ := start(t, Options{DataDir: dir})
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("big")})
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("big"), Key: aws.String("blob"), Body: bytes.NewReader(data)}); err != nil {
		t.Fatal(err)
	}
	_, cfg2, _ := start(t, Options{DataDir: dir})
	c2 := s3.NewFromConfig(cfg2, func(o *s3.Options) { o.UsePathStyle = true })
	got, err := c2.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("big"), Key: aws.String("blob")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	if !bytes.Equal(b, data) {
		t.Errorf("read back %d bytes, want %d", len(b), len(data))
	}
}
