package efs

import (
	"net/http"
	"regexp"
	"sort"

	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type posixUser struct {
	UID           *int64  `json:"Uid"`
	GID           *int64  `json:"Gid"`
	SecondaryGids []int64 `json:"SecondaryGids,omitempty"`
}

type creationInfo struct {
	OwnerUID    *int64 `json:"OwnerUid"`
	OwnerGID    *int64 `json:"OwnerGid"`
	Permissions string `json:"Permissions"`
}

type rootDirectory struct {
	Path         string        `json:"Path"`
	CreationInfo *creationInfo `json:"CreationInfo,omitempty"`
}

type accessPoint struct {
	Region       string         `json:"region"`
	ID           string         `json:"id"`
	ClientToken  string         `json:"clientToken"`
	FileSystemID string         `json:"fileSystemId"`
	PosixUser    *posixUser     `json:"posixUser,omitempty"`
	Root         *rootDirectory `json:"root"`
	Tags         []Tag          `json:"tags"`
}

type accessPointOut struct {
	ClientToken    string         `json:"ClientToken"`
	Name           string         `json:"Name,omitempty"`
	Tags           []Tag          `json:"Tags"`
	AccessPointID  string         `json:"AccessPointId"`
	AccessPointArn string         `json:"AccessPointArn"`
	FileSystemID   string         `json:"FileSystemId"`
	PosixUser      *posixUser     `json:"PosixUser,omitempty"`
	RootDirectory  *rootDirectory `json:"RootDirectory"`
	OwnerID        string         `json:"OwnerId"`
	LifeCycleState string         `json:"LifeCycleState"`
}

func (s *Service) apOut(a *accessPoint, state string) accessPointOut {
	tags := a.Tags
	if tags == nil {
		tags = []Tag{}
	}
	return accessPointOut{a.ClientToken, nameTag(a.Tags), tags, a.ID, s.arn(a.Region, "access-point", a.ID), a.FileSystemID,
		a.PosixUser, a.Root, s.account, state}
}

func apNotFound(id string) error {
	return errorf(http.StatusNotFound, "AccessPointNotFound", "Access point '%s' does not exist.", id)
}

var (
	permissionsRE = regexp.MustCompile(`^[0-7]{3,4}$`)
	rootPathRE    = regexp.MustCompile(`^(/[^/\x00]+)*/?$`)
)

// checkAccessPoint applies EFS's limits: POSIX IDs in 0..2^32-1, at most
// 16 secondary groups, an absolute root path of at most 100 characters,
// and CreationInfo with all three members and octal permissions.
func checkAccessPoint(a *accessPoint) error {
	id := func(p *int64) bool { return p != nil && *p >= 0 && *p <= 4294967295 }
	if u := a.PosixUser; u != nil {
		if !id(u.UID) || !id(u.GID) {
			return badRequest("PosixUser needs Uid and Gid between 0 and 4294967295.")
		}
		if len(u.SecondaryGids) > 16 {
			return badRequest("PosixUser can have at most 16 secondary group IDs.")
		}
	}
	if a.Root.Path == "" {
		a.Root.Path = "/"
	}
	if len(a.Root.Path) > 100 || a.Root.Path[0] != '/' || !rootPathRE.MatchString(a.Root.Path) {
		return badRequest("RootDirectory Path %q is not a valid absolute path of at most 100 characters.", a.Root.Path)
	}
	if c := a.Root.CreationInfo; c != nil && (!id(c.OwnerUID) || !id(c.OwnerGID) || !permissionsRE.MatchString(c.Permissions)) {
		return badRequest("CreationInfo needs OwnerUid, OwnerGid and octal Permissions.")
	}
	return nil
}

func (s *Service) createAccessPoint(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct {
		ClientToken   string         `json:"ClientToken"`
		FileSystemID  string         `json:"FileSystemId"`
		PosixUser     *posixUser     `json:"PosixUser"`
		RootDirectory *rootDirectory `json:"RootDirectory"`
		Tags          []Tag          `json:"Tags"`
	}
	if err := decode(body, &in); err != nil {
		return err
	}
	if in.ClientToken == "" || in.FileSystemID == "" {
		return badRequest("ClientToken and FileSystemId are required.")
	}
	if err := checkTags(in.Tags); err != nil {
		return err
	}
	region := regionOf(r)
	a := &accessPoint{Region: region, ID: newID("fsap"), ClientToken: in.ClientToken, FileSystemID: in.FileSystemID,
		PosixUser: in.PosixUser, Root: in.RootDirectory, Tags: in.Tags}
	if a.Root == nil {
		a.Root = &rootDirectory{}
	}
	if err := checkAccessPoint(a); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.fileSystem(region, in.FileSystemID); err != nil {
		return err
	}
	n := 0
	for _, o := range s.aps {
		if o.Region == region && o.ClientToken == in.ClientToken {
			return &conflict{errorf(http.StatusConflict, "AccessPointAlreadyExists", "Access point '%s' already exists with client token '%s'", o.ID, in.ClientToken),
				"AccessPointId", o.ID}
		}
		if o.Region == region && o.FileSystemID == in.FileSystemID {
			n++
		}
	}
	if n >= 10000 {
		return errorf(http.StatusForbidden, "AccessPointLimitExceeded", "File system '%s' has 10000 access points.", in.FileSystemID)
	}
	if err := s.store.Put(kindAccessPoints, region+"/"+a.ID, a); err != nil {
		return err
	}
	s.aps[region+"/"+a.ID] = a
	return writeJSON(w, r, http.StatusOK, s.apOut(a, "creating"))
}

func (s *Service) describeAccessPoints(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	apID, fsID := q.Get("AccessPointId"), q.Get("FileSystemId")
	if apID != "" && fsID != "" {
		return badRequest("Must specify at most one of AccessPointId and FileSystemId.")
	}
	max, err := intParam(r, "MaxResults")
	if err != nil {
		return err
	}
	region := regionOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if apID != "" && s.aps[region+"/"+apID] == nil {
		return apNotFound(apID)
	}
	if fsID != "" {
		if _, err := s.fileSystem(region, fsID); err != nil {
			return err
		}
	}
	var keys []string
	for k, a := range s.aps {
		if a.Region == region && (apID == "" || a.ID == apID) && (fsID == "" || a.FileSystemID == fsID) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	page, next, err := pagetoken.Page("DescribeAccessPoints"+region+apID+fsID, keys, q.Get("NextToken"), max)
	if err != nil {
		return badRequest("NextToken is not valid.")
	}
	out := struct {
		AccessPoints []accessPointOut `json:"AccessPoints"`
		NextToken    string           `json:"NextToken,omitempty"`
	}{AccessPoints: []accessPointOut{}, NextToken: next}
	for _, k := range page {
		out.AccessPoints = append(out.AccessPoints, s.apOut(s.aps[k], "available"))
	}
	return writeJSON(w, r, http.StatusOK, out)
}

func (s *Service) deleteAccessPoint(w http.ResponseWriter, r *http.Request, _ []byte) error {
	region, id := regionOf(r), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aps[region+"/"+id] == nil {
		return apNotFound(id)
	}
	if err := s.store.Delete(kindAccessPoints, region+"/"+id); err != nil {
		return err
	}
	delete(s.aps, region+"/"+id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
