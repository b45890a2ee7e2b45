// Package s3 serves the bucket and object basics of Amazon S3 over
// REST-XML, path-style (/bucket/key) and virtual-hosted
// (bucket.host/key): buckets, objects (put, get with ranges, head, copy,
// delete, multi-delete) and ListObjects/ListObjectsV2.
//
// API reference: https://docs.aws.amazon.com/AmazonS3/latest/API/.
package s3

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Namespace is the XML namespace of S3 answers.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

const (
	kindBuckets = "s3/buckets"
	kindObjects = "s3/objects"
)

type bucket struct {
	Name    string    `json:"name"`
	Region  string    `json:"region"`
	Created time.Time `json:"created"`
	objects map[string]*object
}

type object struct {
	Bucket      string            `json:"bucket"`
	Key         string            `json:"key"`
	Size        int64             `json:"size"`
	ETag        string            `json:"etag"`
	ContentType string            `json:"contentType"`
	Meta        map[string]string `json:"meta,omitempty"`
	Modified    time.Time         `json:"modified"`
	data        []byte            // in memory when there is no data directory
}

// Service is the S3 simulator.
type Service struct {
	account string
	store   *state.Store
	dataDir string // object bodies, when persistent

	mu      sync.Mutex
	buckets map[string]*bucket
}

// New returns the S3 service for account, loading buckets and objects
// from store; bodies live under dataDir when it is set.
func New(account string, store *state.Store, dataDir string) (*Service, error) {
	s := &Service{account: account, store: store, dataDir: dataDir, buckets: map[string]*bucket{}}
	err := store.Load(kindBuckets, func(_ string, b []byte) error {
		bk := &bucket{}
		if err := json.Unmarshal(b, bk); err != nil {
			return err
		}
		bk.objects = map[string]*object{}
		s.buckets[bk.Name] = bk
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = store.Load(kindObjects, func(_ string, b []byte) error {
		o := &object{}
		if err := json.Unmarshal(b, o); err != nil {
			return err
		}
		if bk := s.buckets[o.Bucket]; bk != nil {
			bk.objects[o.Key] = o
		}
		return nil
	})
	return s, err
}

func s3err(status int, code, msg string) *awsproto.Error {
	return &awsproto.Error{Status: status, Code: code, Message: msg}
}

var (
	errNoSuchBucket = s3err(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
	errNoSuchKey    = s3err(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	errNotEmpty     = s3err(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	errOwned        = s3err(http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
	errBadName      = s3err(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.")
)

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// split returns the bucket and key of r: the first label of a
// virtual-hosted Host, or the first path segment.
func split(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if first, rest, ok := strings.Cut(host, "."); ok && !isIP(host) && first != "s3" && first != "localhost" && rest != "" {
		return first, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

func isIP(h string) bool {
	return strings.Trim(h, "0123456789.") == "" || strings.Contains(h, ":")
}

func (s *Service) bodyPath(o *object) string {
	sum := sha256.Sum256([]byte(o.Bucket + "/" + o.Key))
	return filepath.Join(s.dataDir, hex.EncodeToString(sum[:]))
}

// put stores o with its body; s.mu is held.
func (s *Service) put(bk *bucket, o *object, body []byte) error {
	sum := md5.Sum(body)
	o.ETag, o.Size = `"`+hex.EncodeToString(sum[:])+`"`, int64(len(body))
	if s.store.Persistent() {
		if err := state.WriteFile(s.bodyPath(o), body); err != nil {
			return err
		}
		if err := s.store.Put(kindObjects, o.Bucket+"/"+o.Key, o); err != nil {
			return err
		}
	} else {
		o.data = body
	}
	bk.objects[o.Key] = o
	return nil
}

func (s *Service) body(o *object) ([]byte, error) {
	if !s.store.Persistent() {
		return o.data, nil
	}
	return os.ReadFile(s.bodyPath(o))
}

func (s *Service) remove(bk *bucket, o *object) error {
	if s.store.Persistent() {
		os.Remove(s.bodyPath(o))
		if err := s.store.Delete(kindObjects, o.Bucket+"/"+o.Key); err != nil {
			return err
		}
	}
	delete(bk.objects, o.Key)
	return nil
}
