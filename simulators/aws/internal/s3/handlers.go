package s3

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// Serve answers one S3 request whose body the router has read.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := s.serve(w, r, body); err != nil {
		awsproto.WriteError(w, r, awsproto.RESTXML, err)
	}
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, body []byte) error {
	b, key := split(r)
	q := r.URL.Query()
	q.Del("x-id") // the SDKs name the operation in the query string
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-") {
		var err error
		if body, err = decodeChunked(body); err != nil {
			return s3err(http.StatusBadRequest, "IncompleteBody", "The request body is not valid aws-chunked encoding.")
		}
	}
	w.Header().Set("X-Amz-Request-Id", awsproto.CallFrom(r.Context()).RequestID)
	switch {
	case b == "" && r.Method == http.MethodGet:
		return s.listBuckets(w, r)
	case b == "":
		return s3err(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	case key == "" && r.Method == http.MethodPut && len(q) == 0:
		return s.createBucket(w, r, b, body)
	case key == "" && r.Method == http.MethodHead:
		return s.headBucket(w, b)
	case key == "" && r.Method == http.MethodDelete && len(q) == 0:
		return s.deleteBucket(w, b)
	case key == "" && r.Method == http.MethodGet && q.Has("location"):
		return s.location(w, r, b)
	case key == "" && r.Method == http.MethodGet && onlyListParams(q):
		return s.list(w, r, b)
	case key == "" && r.Method == http.MethodPost && q.Has("delete"):
		return s.deleteObjects(w, r, b, body)
	case key != "" && r.Method == http.MethodPut && len(q) == 0:
		return s.putObject(w, r, b, key, body)
	case key != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && len(q) == 0:
		return s.getObject(w, r, b, key)
	case key != "" && r.Method == http.MethodDelete && len(q) == 0:
		return s.deleteObject(w, b, key)
	}
	return s3err(http.StatusNotImplemented, "NotImplemented",
		fmt.Sprintf("The simulator does not implement %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery))
}

func onlyListParams(q url.Values) bool {
	for k := range q {
		switch k {
		case "list-type", "prefix", "delimiter", "max-keys", "continuation-token", "start-after", "marker", "encoding-type", "fetch-owner":
		default:
			return false
		}
	}
	return true
}

func writeXML(w http.ResponseWriter, v any) error {
	b, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(xml.Header))
	w.Write(b)
	return nil
}

func (s *Service) bucket(name string) (*bucket, error) {
	bk := s.buckets[name]
	if bk == nil {
		return nil, errNoSuchBucket
	}
	return bk, nil
}

type bucketXML struct {
	Name         string
	CreationDate string
}

func (s *Service) listBuckets(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	names := make([]string, 0, len(s.buckets))
	for n := range s.buckets {
		names = append(names, n)
	}
	sort.Strings(names)
	out := struct {
		XMLName xml.Name    `xml:"ListAllMyBucketsResult"`
		Xmlns   string      `xml:"xmlns,attr"`
		Owner   ownerXML    `xml:"Owner"`
		Buckets []bucketXML `xml:"Buckets>Bucket"`
	}{Xmlns: Namespace, Owner: ownerXML{s.account, s.account}}
	for _, n := range names {
		out.Buckets = append(out.Buckets, bucketXML{n, s.buckets[n].Created.UTC().Format(time.RFC3339)})
	}
	s.mu.Unlock()
	return writeXML(w, out)
}

type ownerXML struct {
	ID          string `xml:"ID"`
	DisplayName string
}

func (s *Service) createBucket(w http.ResponseWriter, r *http.Request, name string, body []byte) error {
	if !bucketRE.MatchString(name) || strings.Contains(name, "..") {
		return errBadName
	}
	region := awsproto.CallFrom(r.Context()).Region
	if len(body) > 0 {
		var cfg struct {
			LocationConstraint string
		}
		if err := xml.Unmarshal(body, &cfg); err != nil {
			return s3err(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
		}
		if cfg.LocationConstraint != "" && cfg.LocationConstraint != region {
			return s3err(http.StatusBadRequest, "IllegalLocationConstraintException",
				fmt.Sprintf("The %s location constraint is incompatible for the region specific endpoint this request was sent to.", cfg.LocationConstraint))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buckets[name] != nil {
		if region == "us-east-1" { // us-east-1 answers the owner's re-create with 200
			w.Header().Set("Location", "/"+name)
			w.WriteHeader(http.StatusOK)
			return nil
		}
		return errOwned
	}
	bk := &bucket{Name: name, Region: region, Created: time.Now(), objects: map[string]*object{}}
	if err := s.store.Put(kindBuckets, name, bk); err != nil {
		return err
	}
	s.buckets[name] = bk
	w.Header().Set("Location", "/"+name)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Service) headBucket(w http.ResponseWriter, name string) error {
	s.mu.Lock()
	bk, err := s.bucket(name)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	w.Header().Set("X-Amz-Bucket-Region", bk.Region)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Service) location(w http.ResponseWriter, r *http.Request, name string) error {
	s.mu.Lock()
	bk, err := s.bucket(name)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	loc := bk.Region
	if loc == "us-east-1" {
		loc = "" // S3 answers an empty constraint for us-east-1
	}
	return writeXML(w, struct {
		XMLName xml.Name `xml:"LocationConstraint"`
		Xmlns   string   `xml:"xmlns,attr"`
		Value   string   `xml:",chardata"`
	}{Xmlns: Namespace, Value: loc})
}

func (s *Service) deleteBucket(w http.ResponseWriter, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	bk, err := s.bucket(name)
	if err != nil {
		return err
	}
	if len(bk.objects) > 0 {
		return errNotEmpty
	}
	if err := s.store.Delete(kindBuckets, name); err != nil {
		return err
	}
	delete(s.buckets, name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) putObject(w http.ResponseWriter, r *http.Request, b, key string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	bk, err := s.bucket(b)
	if err != nil {
		return err
	}
	o := &object{Bucket: b, Key: key, ContentType: r.Header.Get("Content-Type"), Modified: time.Now(), Meta: map[string]string{}}
	if src := r.Header.Get("X-Amz-Copy-Source"); src != "" {
		return s.copyObject(w, bk, o, src)
	}
	if o.ContentType == "" {
		o.ContentType = "binary/octet-stream"
	}
	for k, v := range r.Header {
		if m, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok {
			o.Meta[m] = v[0]
		}
	}
	if err := s.put(bk, o, body); err != nil {
		return err
	}
	w.Header().Set("ETag", o.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Service) copyObject(w http.ResponseWriter, dst *bucket, o *object, src string) error {
	src, _ = url.PathUnescape(strings.TrimPrefix(src, "/"))
	sb, sk, _ := strings.Cut(src, "/")
	sbk, err := s.bucket(sb)
	if err != nil {
		return err
	}
	so := sbk.objects[sk]
	if so == nil {
		return errNoSuchKey
	}
	data, err := s.body(so)
	if err != nil {
		return err
	}
	o.ContentType, o.Meta = so.ContentType, so.Meta
	if err := s.put(dst, o, data); err != nil {
		return err
	}
	return writeXML(w, struct {
		XMLName      xml.Name `xml:"CopyObjectResult"`
		LastModified string
		ETag         string
	}{LastModified: o.Modified.UTC().Format(time.RFC3339), ETag: o.ETag})
}

func (s *Service) getObject(w http.ResponseWriter, r *http.Request, b, key string) error {
	s.mu.Lock()
	bk, err := s.bucket(b)
	var o *object
	if err == nil {
		if o = bk.objects[key]; o == nil {
			err = errNoSuchKey
		}
	}
	var data []byte
	if err == nil {
		data, err = s.body(o)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", o.ETag)
	h.Set("Content-Type", o.ContentType)
	h.Set("Last-Modified", o.Modified.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	for k, v := range o.Meta {
		h.Set("X-Amz-Meta-"+k, v)
	}
	status := http.StatusOK
	if rg := r.Header.Get("Range"); rg != "" {
		start, end, ok := parseRange(rg, int64(len(data)))
		if !ok {
			return s3err(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
		}
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, len(data)))
		data, status = data[start:end+1], http.StatusPartialContent
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
	return nil
}

// parseRange reads a single "bytes=a-b", "bytes=a-" or "bytes=-n" range.
func parseRange(h string, size int64) (int64, int64, bool) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	a, b, ok2 := strings.Cut(spec, "-")
	if !ok || !ok2 || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	if a == "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		return max(0, size-n), size - 1, true
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil || start < 0 || start >= size {
		return 0, 0, false
	}
	end := size - 1
	if b != "" {
		e, err := strconv.ParseInt(b, 10, 64)
		if err != nil || e < start {
			return 0, 0, false
		}
		end = min(e, size-1)
	}
	return start, end, true
}

func (s *Service) deleteObject(w http.ResponseWriter, b, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	bk, err := s.bucket(b)
	if err != nil {
		return err
	}
	if o := bk.objects[key]; o != nil { // deleting a missing key succeeds, as in S3
		if err := s.remove(bk, o); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) deleteObjects(w http.ResponseWriter, r *http.Request, b string, body []byte) error {
	var in struct {
		Quiet   bool
		Objects []struct{ Key string } `xml:"Object"`
	}
	if err := xml.Unmarshal(body, &in); err != nil || len(in.Objects) > 1000 {
		return s3err(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	bk, err := s.bucket(b)
	if err != nil {
		return err
	}
	type deleted struct{ Key string }
	out := struct {
		XMLName xml.Name  `xml:"DeleteResult"`
		Xmlns   string    `xml:"xmlns,attr"`
		Deleted []deleted `xml:"Deleted"`
	}{Xmlns: Namespace}
	for _, o := range in.Objects {
		if obj := bk.objects[o.Key]; obj != nil {
			if err := s.remove(bk, obj); err != nil {
				return err
			}
		}
		if !in.Quiet {
			out.Deleted = append(out.Deleted, deleted{o.Key})
		}
	}
	return writeXML(w, out)
}
