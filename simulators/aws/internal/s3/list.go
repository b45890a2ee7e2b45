package s3

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type contentXML struct {
	Key          string
	LastModified string
	ETag         string
	Size         int64
	StorageClass string
}

type prefixXML struct{ Prefix string }

type listResult struct {
	XMLName               xml.Name `xml:"ListBucketResult"`
	Xmlns                 string   `xml:"xmlns,attr"`
	Name                  string
	Prefix                string
	Delimiter             string `xml:",omitempty"`
	MaxKeys               int
	KeyCount              *int `xml:",omitempty"`
	IsTruncated           bool
	Marker                *string `xml:",omitempty"`
	NextMarker            string  `xml:",omitempty"`
	ContinuationToken     string  `xml:",omitempty"`
	NextContinuationToken string  `xml:",omitempty"`
	StartAfter            string  `xml:",omitempty"`
	Contents              []contentXML
	CommonPrefixes        []prefixXML
}

// list serves ListObjectsV2 (list-type=2) and ListObjects: keys in
// UTF-8 order, rolled up into CommonPrefixes at the delimiter.
func (s *Service) list(w http.ResponseWriter, r *http.Request, b string) error {
	q := r.URL.Query()
	v2 := q.Get("list-type") == "2"
	maxKeys := 1000
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s3err(http.StatusBadRequest, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		maxKeys = min(n, 1000)
	}
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	after := q.Get("start-after")
	if !v2 {
		after = q.Get("marker")
	}
	scope := "ListObjects\x00" + b + "\x00" + prefix + "\x00" + delim
	if tok := q.Get("continuation-token"); v2 && tok != "" {
		k, err := pagetoken.Decode(scope, tok)
		if err != nil {
			return s3err(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
		}
		after = k
	}
	s.mu.Lock()
	bk, err := s.bucket(b)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	keys := make([]string, 0, len(bk.objects))
	for k := range bk.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := listResult{Xmlns: Namespace, Name: b, Prefix: prefix, Delimiter: delim, MaxKeys: maxKeys,
		Contents: []contentXML{}, CommonPrefixes: []prefixXML{}}
	seen := map[string]bool{}
	last := ""
	n := 0
	for _, k := range keys {
		cp := ""
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp = k[:len(prefix)+i+len(delim)]
			}
		}
		if cp != "" && seen[cp] { // rolled up into a prefix already listed
			last = k
			continue
		}
		if n == maxKeys {
			out.IsTruncated = true
			break
		}
		if cp != "" {
			seen[cp] = true
			out.CommonPrefixes = append(out.CommonPrefixes, prefixXML{cp})
			n++
			last = k
			continue
		}
		o := bk.objects[k]
		out.Contents = append(out.Contents, contentXML{k, o.Modified.UTC().Format(time.RFC3339), o.ETag, o.Size, "STANDARD"})
		last = k
		n++
	}
	s.mu.Unlock()
	if v2 {
		out.KeyCount = &n
		out.ContinuationToken = q.Get("continuation-token")
		out.StartAfter = q.Get("start-after")
		if out.IsTruncated {
			out.NextContinuationToken = pagetoken.Encode(scope, last)
		}
	} else {
		m := q.Get("marker")
		out.Marker = &m
		if out.IsTruncated && delim != "" {
			out.NextMarker = last
		}
	}
	return writeXML(w, out)
}
