package efs

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

// Tag is EFS's key/value tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type lifecyclePolicy struct {
	TransitionToIA                  string `json:"TransitionToIA,omitempty"`
	TransitionToPrimaryStorageClass string `json:"TransitionToPrimaryStorageClass,omitempty"`
	TransitionToArchive             string `json:"TransitionToArchive,omitempty"`
}

type fileSystem struct {
	Region            string            `json:"region"`
	ID                string            `json:"id"`
	CreationToken     string            `json:"creationToken"`
	Created           time.Time         `json:"created"`
	PerformanceMode   string            `json:"performanceMode"`
	ThroughputMode    string            `json:"throughputMode"`
	ProvisionedMibps  *float64          `json:"provisionedMibps,omitempty"`
	Encrypted         bool              `json:"encrypted"`
	KmsKeyID          string            `json:"kmsKeyId,omitempty"`
	AvailabilityZone  string            `json:"az,omitempty"`
	Tags              []Tag             `json:"tags"`
	LifecyclePolicies []lifecyclePolicy `json:"lifecycle"`
}

type createFileSystemInput struct {
	CreationToken                string   `json:"CreationToken"`
	PerformanceMode              string   `json:"PerformanceMode"`
	Encrypted                    bool     `json:"Encrypted"`
	KmsKeyID                     string   `json:"KmsKeyId"`
	ThroughputMode               string   `json:"ThroughputMode"`
	ProvisionedThroughputInMibps *float64 `json:"ProvisionedThroughputInMibps"`
	AvailabilityZoneName         string   `json:"AvailabilityZoneName"`
	Backup                       *bool    `json:"Backup"`
	Tags                         []Tag    `json:"Tags"`
}

type sizeOut struct {
	Value           int64 `json:"Value"`
	ValueInStandard int64 `json:"ValueInStandard"`
	ValueInIA       int64 `json:"ValueInIA"`
	ValueInArchive  int64 `json:"ValueInArchive"`
}

type fileSystemOut struct {
	OwnerID                      string   `json:"OwnerId"`
	CreationToken                string   `json:"CreationToken"`
	FileSystemID                 string   `json:"FileSystemId"`
	FileSystemArn                string   `json:"FileSystemArn"`
	CreationTime                 float64  `json:"CreationTime"`
	LifeCycleState               string   `json:"LifeCycleState"`
	Name                         string   `json:"Name,omitempty"`
	NumberOfMountTargets         int      `json:"NumberOfMountTargets"`
	SizeInBytes                  sizeOut  `json:"SizeInBytes"`
	PerformanceMode              string   `json:"PerformanceMode"`
	Encrypted                    bool     `json:"Encrypted"`
	KmsKeyID                     string   `json:"KmsKeyId,omitempty"`
	ThroughputMode               string   `json:"ThroughputMode"`
	ProvisionedThroughputInMibps *float64 `json:"ProvisionedThroughputInMibps,omitempty"`
	AvailabilityZoneName         string   `json:"AvailabilityZoneName,omitempty"`
	Tags                         []Tag    `json:"Tags"`
	FileSystemProtection         struct {
		ReplicationOverwriteProtection string `json:"ReplicationOverwriteProtection"`
	} `json:"FileSystemProtection"`
}

func nameTag(tags []Tag) string {
	for _, t := range tags {
		if t.Key == "Name" {
			return t.Value
		}
	}
	return ""
}

// fsOut describes f in state; the size is that of an empty file system
// (6 KiB of metadata), as nothing can write to it.
func (s *Service) fsOut(f *fileSystem, state string) fileSystemOut {
	out := fileSystemOut{OwnerID: s.account, CreationToken: f.CreationToken, FileSystemID: f.ID,
		FileSystemArn: s.arn(f.Region, "file-system", f.ID), CreationTime: epoch(f.Created), LifeCycleState: state,
		Name: nameTag(f.Tags), PerformanceMode: f.PerformanceMode, Encrypted: f.Encrypted, KmsKeyID: f.KmsKeyID,
		ThroughputMode: f.ThroughputMode, ProvisionedThroughputInMibps: f.ProvisionedMibps,
		AvailabilityZoneName: f.AvailabilityZone, Tags: f.Tags, SizeInBytes: sizeOut{6144, 6144, 0, 0}}
	out.FileSystemProtection.ReplicationOverwriteProtection = "ENABLED"
	for _, m := range s.mts {
		if m.Region == f.Region && m.FileSystemID == f.ID {
			out.NumberOfMountTargets++
		}
	}
	if out.Tags == nil {
		out.Tags = []Tag{}
	}
	return out
}

func (s *Service) createFileSystem(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in createFileSystemInput
	if err := decode(body, &in); err != nil {
		return err
	}
	if in.CreationToken == "" || len(in.CreationToken) > 64 {
		return badRequest("CreationToken must be 1 to 64 characters long.")
	}
	if in.PerformanceMode == "" {
		in.PerformanceMode = "generalPurpose"
	}
	if in.ThroughputMode == "" {
		in.ThroughputMode = "bursting"
	}
	switch {
	case in.PerformanceMode != "generalPurpose" && in.PerformanceMode != "maxIO":
		return badRequest("PerformanceMode %s is not valid.", in.PerformanceMode)
	case !slices.Contains([]string{"bursting", "provisioned", "elastic"}, in.ThroughputMode):
		return badRequest("ThroughputMode %s is not valid.", in.ThroughputMode)
	case in.ThroughputMode == "provisioned" && (in.ProvisionedThroughputInMibps == nil || *in.ProvisionedThroughputInMibps < 1):
		return badRequest("ProvisionedThroughputInMibps must be at least 1.0 with the provisioned throughput mode.")
	case in.ThroughputMode != "provisioned" && in.ProvisionedThroughputInMibps != nil:
		return badRequest("ProvisionedThroughputInMibps is only valid with the provisioned throughput mode.")
	case in.PerformanceMode == "maxIO" && in.ThroughputMode == "elastic":
		return badRequest("Elastic throughput is not supported with the maxIO performance mode.")
	case in.KmsKeyID != "" && !in.Encrypted:
		return badRequest("KmsKeyId requires Encrypted to be true.")
	}
	if err := checkTags(in.Tags); err != nil {
		return err
	}
	region := regionOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.fss {
		if f.Region == region && f.CreationToken == in.CreationToken {
			return &conflict{errorf(http.StatusConflict, "FileSystemAlreadyExists", "File system '%s' already exists with creation token '%s'", f.ID, in.CreationToken),
				"FileSystemId", f.ID}
		}
	}
	f := &fileSystem{Region: region, ID: newID("fs"), CreationToken: in.CreationToken, Created: s.now(),
		PerformanceMode: in.PerformanceMode, ThroughputMode: in.ThroughputMode, ProvisionedMibps: in.ProvisionedThroughputInMibps,
		Encrypted: in.Encrypted, KmsKeyID: in.KmsKeyID, AvailabilityZone: in.AvailabilityZoneName, Tags: in.Tags}
	if f.Encrypted && f.KmsKeyID == "" {
		f.KmsKeyID = "arn:aws:kms:" + region + ":" + s.account + ":alias/aws/elasticfilesystem"
	}
	if err := s.store.Put(kindFileSystems, region+"/"+f.ID, f); err != nil {
		return err
	}
	s.fss[region+"/"+f.ID] = f
	// The file system is ready when the call returns: this answer says
	// "creating", as AWS's does, and every later one "available".
	return writeJSON(w, r, http.StatusCreated, s.fsOut(f, "creating"))
}

// fileSystem looks up id in region; s.mu is held.
func (s *Service) fileSystem(region, id string) (*fileSystem, error) {
	f := s.fss[region+"/"+id]
	if f == nil {
		return nil, fsNotFound(id)
	}
	return f, nil
}

func (s *Service) describeFileSystems(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	max, err := intParam(r, "MaxItems")
	if err != nil {
		return err
	}
	region := regionOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	if id := q.Get("FileSystemId"); id != "" {
		if _, err := s.fileSystem(region, id); err != nil {
			return err
		}
		keys = []string{region + "/" + id}
	} else {
		for k, f := range s.fss {
			if f.Region == region && (q.Get("CreationToken") == "" || q.Get("CreationToken") == f.CreationToken) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	page, next, err := pagetoken.Page("DescribeFileSystems"+region+q.Get("CreationToken"), keys, q.Get("Marker"), max)
	if err != nil {
		return badRequest("Marker is not valid.")
	}
	out := struct {
		Marker      string          `json:"Marker,omitempty"`
		FileSystems []fileSystemOut `json:"FileSystems"`
		NextMarker  string          `json:"NextMarker,omitempty"`
	}{Marker: q.Get("Marker"), FileSystems: []fileSystemOut{}, NextMarker: next}
	for _, k := range page {
		out.FileSystems = append(out.FileSystems, s.fsOut(s.fss[k], "available"))
	}
	return writeJSON(w, r, http.StatusOK, out)
}

// deleteFileSystem refuses while mount targets exist, as EFS does; the
// file system's access points go with it.
func (s *Service) deleteFileSystem(w http.ResponseWriter, r *http.Request, _ []byte) error {
	region, id := regionOf(r), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.fileSystem(region, id)
	if err != nil {
		return err
	}
	for _, m := range s.mts {
		if m.Region == region && m.FileSystemID == f.ID {
			return errorf(http.StatusConflict, "FileSystemInUse", "File system '%s' has mount targets and cannot be deleted.", f.ID)
		}
	}
	for k, a := range s.aps {
		if a.Region == region && a.FileSystemID == f.ID {
			if err := s.store.Delete(kindAccessPoints, k); err != nil {
				return err
			}
			delete(s.aps, k)
		}
	}
	if err := s.store.Delete(kindFileSystems, region+"/"+f.ID); err != nil {
		return err
	}
	delete(s.fss, region+"/"+f.ID)
	// The data goes with the file system, as EFS deletes it.
	_ = os.RemoveAll(filepath.Join(s.dir, f.ID))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

var transitions = map[string][]string{
	"TransitionToIA":                  {"AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"},
	"TransitionToPrimaryStorageClass": {"AFTER_1_ACCESS"},
	"TransitionToArchive":             {"AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"},
}

// lifecycle serves Describe and PutLifecycleConfiguration.
func (s *Service) lifecycle(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct {
		LifecyclePolicies []lifecyclePolicy `json:"LifecyclePolicies"`
	}
	if r.Method == http.MethodPut {
		if err := decode(body, &in); err != nil {
			return err
		}
		for _, p := range in.LifecyclePolicies {
			for name, v := range map[string]string{"TransitionToIA": p.TransitionToIA,
				"TransitionToPrimaryStorageClass": p.TransitionToPrimaryStorageClass, "TransitionToArchive": p.TransitionToArchive} {
				if v != "" && !slices.Contains(transitions[name], v) {
					return badRequest("%s value %s is not valid.", name, v)
				}
			}
		}
	}
	region := regionOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.fileSystem(region, r.PathValue("id"))
	if err != nil {
		return err
	}
	if r.Method == http.MethodPut {
		f.LifecyclePolicies = in.LifecyclePolicies
		if err := s.store.Put(kindFileSystems, region+"/"+f.ID, f); err != nil {
			return err
		}
	}
	in.LifecyclePolicies = f.LifecyclePolicies
	if in.LifecyclePolicies == nil {
		in.LifecyclePolicies = []lifecyclePolicy{}
	}
	return writeJSON(w, r, http.StatusOK, in)
}
