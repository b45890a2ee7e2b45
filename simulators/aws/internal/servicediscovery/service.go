// Package servicediscovery serves AWS Cloud Map (JSON 1.1, target prefix
// Route53AutoNaming_v20170314): private DNS and HTTP namespaces, services,
// instances and the operations that create and delete them, plus the data
// plane's DiscoverInstances. Namespaces, services and registrations take
// effect when the call returns, so every operation is SUCCESS by the time
// GetOperation can see it.
//
// API reference: https://docs.aws.amazon.com/cloud-map/latest/api/.
package servicediscovery

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Target is the X-Amz-Target prefix of Cloud Map.
const Target = "Route53AutoNaming_v20170314"

const (
	kindNamespaces = "servicediscovery/namespaces"
	kindServices   = "servicediscovery/services"
	kindOperations = "servicediscovery/operations"
)

// VPCs tells whether a VPC exists, so that private DNS namespaces are
// only made in real (simulated) VPCs. EC2 implements it.
type VPCs interface {
	VpcExists(region, id string) bool
}

// Service is the Cloud Map simulator.
type Service struct {
	account string
	store   *state.Store
	vpcs    VPCs
	now     func() time.Time

	mu         sync.Mutex
	namespaces map[string]*namespace // region/id
	services   map[string]*service   // region/id
	operations map[string]*operation // region/id
}

// New returns the Cloud Map service for account, loading its state from
// store; vpcs checks the VPC of private DNS namespaces.
func New(account string, store *state.Store, vpcs VPCs) (*Service, error) {
	s := &Service{account: account, store: store, vpcs: vpcs, now: time.Now, namespaces: map[string]*namespace{},
		services: map[string]*service{}, operations: map[string]*operation{}}
	err := store.Load(kindNamespaces, func(_ string, b []byte) error {
		n := &namespace{}
		if err := json.Unmarshal(b, n); err != nil {
			return err
		}
		s.namespaces[n.Region+"/"+n.ID] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = store.Load(kindServices, func(_ string, b []byte) error {
		sv := &service{}
		if err := json.Unmarshal(b, sv); err != nil {
			return err
		}
		if sv.Instances == nil {
			sv.Instances = map[string]*instance{}
		}
		s.services[sv.Region+"/"+sv.ID] = sv
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = store.Load(kindOperations, func(_ string, b []byte) error {
		o := &operation{}
		if err := json.Unmarshal(b, o); err != nil {
			return err
		}
		s.operations[o.Region+"/"+o.ID] = o
		return nil
	})
	return s, err
}

// JSON returns the service's JSON 1.1 operations.
func (s *Service) JSON() awsproto.JSONService {
	return awsproto.JSONService{Prefix: Target, Ops: map[string]awsproto.Op{
		"CreatePrivateDnsNamespace":        awsproto.Typed(s.createPrivateDNSNamespace),
		"CreateHttpNamespace":              awsproto.Typed(s.createHTTPNamespace),
		"GetNamespace":                     awsproto.Typed(s.getNamespace),
		"DeleteNamespace":                  awsproto.Typed(s.deleteNamespace),
		"ListNamespaces":                   awsproto.Typed(s.listNamespaces),
		"GetOperation":                     awsproto.Typed(s.getOperation),
		"ListOperations":                   awsproto.Typed(s.listOperations),
		"CreateService":                    awsproto.Typed(s.createService),
		"GetService":                       awsproto.Typed(s.getService),
		"DeleteService":                    awsproto.Typed(s.deleteService),
		"ListServices":                     awsproto.Typed(s.listServices),
		"RegisterInstance":                 awsproto.Typed(s.registerInstance),
		"DeregisterInstance":               awsproto.Typed(s.deregisterInstance),
		"GetInstance":                      awsproto.Typed(s.getInstance),
		"ListInstances":                    awsproto.Typed(s.listInstances),
		"DiscoverInstances":                awsproto.Typed(s.discoverInstances),
		"UpdateInstanceCustomHealthStatus": awsproto.Typed(s.updateHealth),
		"TagResource":                      awsproto.Typed(s.tagResource),
		"UntagResource":                    awsproto.Typed(s.untagResource),
		"ListTagsForResource":              awsproto.Typed(s.listTags),
	}}
}

// The error catalogue: Cloud Map's codes, all client errors.
func errorf(code, format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, code, format, args...)
}

func invalid(format string, args ...any) *awsproto.Error {
	return errorf("InvalidInput", format, args...)
}

func missing(name string) *awsproto.Error {
	return invalid("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", name)
}

// randID returns n random characters from Cloud Map's ID alphabet.
func randID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}

// epoch is a timestamp as Cloud Map sends it: seconds since the epoch.
type epoch float64

func toEpoch(t time.Time) epoch { return epoch(float64(t.UnixMilli()) / 1000) }

func (s *Service) region(ctx context.Context) string { return awsproto.CallFrom(ctx).Region }

func (s *Service) arn(region, typ, id string) string {
	return "arn:aws:servicediscovery:" + region + ":" + s.account + ":" + typ + "/" + id
}

type empty struct{}
