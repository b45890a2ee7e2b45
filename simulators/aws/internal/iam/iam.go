// Package iam serves the role part of AWS Identity and Access Management
// over the Query protocol: roles, their attached managed policies and
// their inline policies — what the ECS and Lambda backends' task and
// execution roles need. Policies are stored, not evaluated.
//
// API reference: https://docs.aws.amazon.com/IAM/latest/APIReference/.
package iam

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// Namespace is the XML namespace of IAM answers.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

const kindRoles = "iam/roles"

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type role struct {
	Path                     string            `json:"path"`
	RoleName                 string            `json:"name"`
	RoleID                   string            `json:"id"`
	Arn                      string            `json:"arn"`
	CreateDate               time.Time         `json:"created"`
	AssumeRolePolicyDocument string            `json:"assume"`
	Description              string            `json:"description"`
	MaxSessionDuration       int               `json:"maxSession"`
	Tags                     []tag             `json:"tags"`
	Attached                 []string          `json:"attached"`
	Inline                   map[string]string `json:"inline"`
}

// roleXML is a role as IAM answers it; the policy document is
// URL-encoded, as IAM sends it.
type roleXML struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	Tags                     []tag `xml:"Tags>member,omitempty"`
}

func (r *role) xml() roleXML {
	return roleXML{r.Path, r.RoleName, r.RoleID, r.Arn, r.CreateDate.UTC().Format(time.RFC3339),
		url.QueryEscape(r.AssumeRolePolicyDocument), r.Description, r.MaxSessionDuration, r.Tags}
}

// Service is the IAM simulator.
type Service struct {
	account string
	store   *state.Store

	mu    sync.Mutex
	roles map[string]*role
}

// New returns the IAM service for account, loading its roles from store.
func New(account string, store *state.Store) (*Service, error) {
	s := &Service{account: account, store: store, roles: map[string]*role{}}
	err := store.Load(kindRoles, func(_ string, b []byte) error {
		r := &role{}
		if err := json.Unmarshal(b, r); err != nil {
			return err
		}
		if r.Inline == nil {
			r.Inline = map[string]string{}
		}
		s.roles[r.RoleName] = r
		return nil
	})
	return s, err
}

// RoleExists reports whether the role an ARN names exists.
func (s *Service) RoleExists(arn string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := strings.LastIndex(arn, "/")
	r := s.roles[arn[i+1:]]
	return r != nil && r.Arn == arn
}

var roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

func noSuchRole(name string) *awsproto.Error {
	return awsproto.Errorf(http.StatusNotFound, "NoSuchEntity", "The role with name %s cannot be found.", name)
}

func validation(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}

// Serve answers one IAM Query request.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, f awsproto.Form) {
	action := f.Get("Action")
	var result any
	var err error
	switch action {
	case "CreateRole":
		result, err = s.createRole(f)
	case "GetRole":
		result, err = s.getRole(f)
	case "DeleteRole":
		err = s.deleteRole(f)
	case "ListRoles":
		result, err = s.listRoles(f)
	case "AttachRolePolicy", "DetachRolePolicy":
		err = s.attach(f, action == "AttachRolePolicy")
	case "ListAttachedRolePolicies":
		result, err = s.listAttached(f)
	case "PutRolePolicy", "DeleteRolePolicy":
		err = s.inline(f, action == "PutRolePolicy")
	case "GetRolePolicy":
		result, err = s.getRolePolicy(f)
	case "":
		err = awsproto.Errorf(http.StatusBadRequest, "MissingAction", "Missing Action")
	default:
		err = awsproto.Errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2010-05-08", action)
	}
	if err != nil {
		awsproto.WriteError(w, r, awsproto.Query, err)
		return
	}
	awsproto.WriteQuery(w, r, Namespace, action, result)
}

func (s *Service) createRole(f awsproto.Form) (any, error) {
	name, err := f.Required("RoleName")
	if err != nil {
		return nil, err
	}
	doc, err := f.Required("AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	if !roleNameRE.MatchString(name) {
		return nil, validation("1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name)
	}
	if !json.Valid([]byte(doc)) {
		return nil, awsproto.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "This policy contains invalid Json")
	}
	path := f.Get("Path")
	if path == "" {
		path = "/"
	}
	maxSession, err := f.Int("MaxSessionDuration", 3600)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 17)
	rand.Read(b)
	id := "AROA"
	for _, c := range b {
		id += string("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[c%32])
	}
	ro := &role{Path: path, RoleName: name, RoleID: id, Arn: "arn:aws:iam::" + s.account + ":role" + path + name,
		CreateDate: time.Now(), AssumeRolePolicyDocument: doc, Description: f.Get("Description"),
		MaxSessionDuration: maxSession, Inline: map[string]string{}}
	for _, p := range f.Structs("Tags.member") {
		ro.Tags = append(ro.Tags, tag{f.Get(p + ".Key"), f.Get(p + ".Value")})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roles[name] != nil {
		return nil, awsproto.Errorf(http.StatusConflict, "EntityAlreadyExists", "Role with name %s already exists.", name)
	}
	if err := s.store.Put(kindRoles, name, ro); err != nil {
		return nil, err
	}
	s.roles[name] = ro
	return struct{ Role roleXML }{ro.xml()}, nil
}

func (s *Service) lookup(f awsproto.Form) (*role, error) {
	name, err := f.Required("RoleName")
	if err != nil {
		return nil, err
	}
	r := s.roles[name]
	if r == nil {
		return nil, noSuchRole(name)
	}
	return r, nil
}

func (s *Service) getRole(f awsproto.Form) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(f)
	if err != nil {
		return nil, err
	}
	return struct{ Role roleXML }{r.xml()}, nil
}

func (s *Service) deleteRole(f awsproto.Form) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(f)
	if err != nil {
		return err
	}
	if len(r.Attached) > 0 || len(r.Inline) > 0 {
		return awsproto.Errorf(http.StatusConflict, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	if err := s.store.Delete(kindRoles, r.RoleName); err != nil {
		return err
	}
	delete(s.roles, r.RoleName)
	return nil
}

type listRolesResult struct {
	IsTruncated bool
	Roles       []roleXML `xml:"Roles>member"`
	Marker      string    `xml:",omitempty"`
}

func (s *Service) listRoles(f awsproto.Form) (any, error) {
	n, err := f.Int("MaxItems", 100)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > 1000 {
		return nil, validation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", n)
	}
	prefix := f.Get("PathPrefix")
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name, r := range s.roles {
		if strings.HasPrefix(r.Path, prefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	page, next, err := pagetoken.Page("ListRoles"+prefix, names, f.Get("Marker"), n)
	if err != nil {
		return nil, validation("Invalid Marker")
	}
	out := listRolesResult{IsTruncated: next != "", Marker: next, Roles: []roleXML{}}
	for _, name := range page {
		out.Roles = append(out.Roles, s.roles[name].xml())
	}
	return out, nil
}

func (s *Service) attach(f awsproto.Form, attach bool) error {
	arn, err := f.Required("PolicyArn")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":policy/") {
		return awsproto.Errorf(http.StatusBadRequest, "InvalidInput", "ARN %s is not valid.", arn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(f)
	if err != nil {
		return err
	}
	i := -1
	for j, a := range r.Attached {
		if a == arn {
			i = j
		}
	}
	switch {
	case attach && i < 0:
		r.Attached = append(r.Attached, arn)
	case !attach && i < 0:
		return awsproto.Errorf(http.StatusNotFound, "NoSuchEntity", "Policy %s was not found.", arn)
	case !attach:
		r.Attached = append(r.Attached[:i], r.Attached[i+1:]...)
	}
	return s.store.Put(kindRoles, r.RoleName, r)
}

type attachedPolicy struct {
	PolicyName string
	PolicyArn  string
}

func (s *Service) listAttached(f awsproto.Form) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(f)
	if err != nil {
		return nil, err
	}
	out := struct {
		AttachedPolicies []attachedPolicy `xml:"AttachedPolicies>member"`
		IsTruncated      bool
	}{AttachedPolicies: []attachedPolicy{}}
	for _, a := range r.Attached {
		out.AttachedPolicies = append(out.AttachedPolicies, attachedPolicy{a[strings.LastIndex(a, "/")+1:], a})
	}
	return out, nil
}

func (s *Service) inline(f awsproto.Form, put bool) error {
	name, err := f.Required("PolicyName")
	if err != nil {
		return err
	}
	doc := f.Get("PolicyDocument")
	if put && !json.Valid([]byte(doc)) {
		return awsproto.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", "This policy contains invalid Json")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(f)
	if err != nil {
		return err
	}
	if put {
		r.Inline[name] = doc
	} else {
		if _, ok := r.Inline[name]; !ok {
			return awsproto.Errorf(http.StatusNotFound, "NoSuchEntity", "The role policy with name %s cannot be found.", name)
		}
		delete(r.Inline, name)
	}
	return s.store.Put(kindRoles, r.RoleName, r)
}

func (s *Service) getRolePolicy(f awsproto.Form) (any, error) {
	name, err := f.Required("PolicyName")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(f)
	if err != nil {
		return nil, err
	}
	doc, ok := r.Inline[name]
	if !ok {
		return nil, awsproto.Errorf(http.StatusNotFound, "NoSuchEntity", "The role policy with name %s cannot be found.", name)
	}
	return struct {
		RoleName       string
		PolicyName     string
		PolicyDocument string
	}{r.RoleName, name, url.QueryEscape(doc)}, nil
}
