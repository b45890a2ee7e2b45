// Package efs serves Amazon Elastic File System's control plane
// (REST-JSON under /2015-02-01/): file systems, mount targets (each with
// a network interface in its subnet, made by the EC2 simulator), access
// points, tags and lifecycle configurations. No NFS server is behind the
// file systems: each one's data is a directory on the simulator's host
// ([Service.FileSystemDir], [Service.AccessPointDir]) that ECS tasks
// bind-mount.
//
// API reference: https://docs.aws.amazon.com/efs/latest/ug/api-reference.html.
package efs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/core/state"
)

const (
	kindFileSystems  = "efs/filesystems"
	kindMountTargets = "efs/mounttargets"
	kindAccessPoints = "efs/accesspoints"
)

// Network creates and deletes the interfaces of mount targets; the EC2
// simulator implements it.
type Network interface {
	CreateInterface(ctx context.Context, region string, req ec2.InterfaceRequest) (ec2.Interface, error)
	DeleteInterface(ctx context.Context, region, id string) error
}

// Service is the EFS simulator.
type Service struct {
	account string
	store   *state.Store
	net     Network
	now     func() time.Time
	// dir holds one directory of data per file system.
	dir string

	mu  sync.Mutex
	fss map[string]*fileSystem  // region/id
	mts map[string]*mountTarget // region/id
	aps map[string]*accessPoint // region/id
}

// New returns the EFS service for account, loading its state from store;
// net makes the mount targets' interfaces and dir holds the file
// systems' data.
func New(account string, store *state.Store, net Network, dir string) (*Service, error) {
	s := &Service{account: account, store: store, net: net, now: time.Now, dir: dir,
		fss: map[string]*fileSystem{}, mts: map[string]*mountTarget{}, aps: map[string]*accessPoint{}}
	if err := load(store, kindFileSystems, s.fss, func(f *fileSystem) string { return f.Region + "/" + f.ID }); err != nil {
		return nil, err
	}
	if err := load(store, kindMountTargets, s.mts, func(m *mountTarget) string { return m.Region + "/" + m.ID }); err != nil {
		return nil, err
	}
	if err := load(store, kindAccessPoints, s.aps, func(a *accessPoint) string { return a.Region + "/" + a.ID }); err != nil {
		return nil, err
	}
	return s, nil
}

func load[T any](store *state.Store, kind string, m map[string]*T, key func(*T) string) error {
	return store.Load(kind, func(_ string, b []byte) error {
		v := new(T)
		if err := json.Unmarshal(b, v); err != nil {
			return err
		}
		m[key(v)] = v
		return nil
	})
}

type handler func(w http.ResponseWriter, r *http.Request, body []byte) error

// Handler returns the REST-JSON routes of EFS; the caller has read the
// body and authenticated the request.
func (s *Service) Handler(body func(*http.Request) []byte) http.Handler {
	mux := http.NewServeMux()
	route := func(pattern string, h handler) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := h(w, r, body(r)); err != nil {
				writeError(w, r, err)
			}
		})
	}
	route("POST /2015-02-01/file-systems", s.createFileSystem)
	route("GET /2015-02-01/file-systems", s.describeFileSystems)
	route("DELETE /2015-02-01/file-systems/{id}", s.deleteFileSystem)
	route("GET /2015-02-01/file-systems/{id}/lifecycle-configuration", s.lifecycle)
	route("PUT /2015-02-01/file-systems/{id}/lifecycle-configuration", s.lifecycle)
	route("POST /2015-02-01/mount-targets", s.createMountTarget)
	route("GET /2015-02-01/mount-targets", s.describeMountTargets)
	route("DELETE /2015-02-01/mount-targets/{id}", s.deleteMountTarget)
	route("GET /2015-02-01/mount-targets/{id}/security-groups", s.mountTargetGroups)
	route("POST /2015-02-01/access-points", s.createAccessPoint)
	route("GET /2015-02-01/access-points", s.describeAccessPoints)
	route("DELETE /2015-02-01/access-points/{id}", s.deleteAccessPoint)
	route("GET /2015-02-01/resource-tags/{id}", s.listTags)
	route("POST /2015-02-01/resource-tags/{id}", s.tagResource)
	route("DELETE /2015-02-01/resource-tags/{id}", s.untagResource)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, errorf(http.StatusNotFound, "UnknownOperationException", "Unknown operation %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// The error catalogue: EFS's codes and statuses.
func errorf(status int, code, format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(status, code, format, args...)
}

func badRequest(format string, args ...any) *awsproto.Error {
	return errorf(http.StatusBadRequest, "BadRequest", format, args...)
}

func fsNotFound(id string) *awsproto.Error {
	return errorf(http.StatusNotFound, "FileSystemNotFound", "File system '%s' does not exist.", id)
}

// conflict is an error that names the resource it collided with, as
// FileSystemAlreadyExists and AccessPointAlreadyExists do.
type conflict struct {
	e          *awsproto.Error
	member, id string
}

func (c *conflict) Error() string { return c.e.Error() }

// writeError writes EFS's envelope: the code in x-amzn-ErrorType and a
// body of {"ErrorCode", "Message"} (plus the conflicting ID).
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var c *conflict
	if !errors.As(err, &c) {
		c = &conflict{e: awsproto.AsError(err)}
	}
	if c.e.Status >= 500 {
		awsproto.WriteError(w, r, awsproto.RESTJSON, err) // logs it
		return
	}
	body := map[string]string{"ErrorCode": c.e.Code, "Message": c.e.Message}
	if c.member != "" {
		body[c.member] = c.id
	}
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", awsproto.CallFrom(r.Context()).RequestID)
	h.Set("X-Amzn-Errortype", c.e.Code)
	w.WriteHeader(c.e.Status)
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Amzn-Requestid", awsproto.CallFrom(r.Context()).RequestID)
	w.WriteHeader(status)
	w.Write(b)
	return nil
}

func decode(body []byte, v any) error { return awsproto.DecodeJSON(body, v) }

// newID returns an EFS ID: prefix, a dash and 17 hex digits.
func newID(prefix string) string {
	b := make([]byte, 9)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)[:17]
}

func (s *Service) arn(region, typ, id string) string {
	return "arn:aws:elasticfilesystem:" + region + ":" + s.account + ":" + typ + "/" + id
}

func regionOf(r *http.Request) string { return awsproto.CallFrom(r.Context()).Region }

// epoch is a timestamp as EFS sends it: seconds since the epoch.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// intParam reads an optional integer query parameter.
func intParam(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest("%s must be a positive integer.", name)
	}
	return n, nil
}
