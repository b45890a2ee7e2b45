package efs

import (
	"context"
	"net/http"
	"sort"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/core/pagetoken"
)

type mountTarget struct {
	Region       string   `json:"region"`
	ID           string   `json:"id"`
	FileSystemID string   `json:"fileSystemId"`
	SubnetID     string   `json:"subnetId"`
	VpcID        string   `json:"vpcId"`
	AZ           string   `json:"az"`
	AZID         string   `json:"azId"`
	IP           string   `json:"ip"`
	ENI          string   `json:"eni"`
	Groups       []string `json:"groups"`
}

type mountTargetOut struct {
	OwnerID              string `json:"OwnerId"`
	MountTargetID        string `json:"MountTargetId"`
	FileSystemID         string `json:"FileSystemId"`
	SubnetID             string `json:"SubnetId"`
	LifeCycleState       string `json:"LifeCycleState"`
	IPAddress            string `json:"IpAddress"`
	NetworkInterfaceID   string `json:"NetworkInterfaceId"`
	AvailabilityZoneID   string `json:"AvailabilityZoneId"`
	AvailabilityZoneName string `json:"AvailabilityZoneName"`
	VpcID                string `json:"VpcId"`
}

func (s *Service) mtOut(m *mountTarget, state string) mountTargetOut {
	return mountTargetOut{s.account, m.ID, m.FileSystemID, m.SubnetID, state, m.IP, m.ENI, m.AZID, m.AZ, m.VpcID}
}

// ec2Errors translates the EC2 simulator's answers into EFS's codes.
var ec2Errors = map[string]struct {
	status int
	code   string
}{
	"InvalidSubnetID.NotFound":          {http.StatusBadRequest, "SubnetNotFound"},
	"InvalidSubnetID.Malformed":         {http.StatusBadRequest, "SubnetNotFound"},
	"InvalidGroup.NotFound":             {http.StatusBadRequest, "SecurityGroupNotFound"},
	"InvalidGroupId.Malformed":          {http.StatusBadRequest, "SecurityGroupNotFound"},
	"InsufficientFreeAddressesInSubnet": {http.StatusConflict, "NoFreeAddressesInSubnet"},
	"InvalidIPAddress.InUse":            {http.StatusConflict, "IpAddressInUse"},
	"InvalidParameterValue":             {http.StatusBadRequest, "BadRequest"},
}

func fromEC2(err error) error {
	e := awsproto.AsError(err)
	if m, ok := ec2Errors[e.Code]; ok {
		return errorf(m.status, m.code, "%s", e.Message)
	}
	return err
}

func (s *Service) createMountTarget(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct {
		FileSystemID   string   `json:"FileSystemId"`
		SubnetID       string   `json:"SubnetId"`
		IPAddress      string   `json:"IpAddress"`
		SecurityGroups []string `json:"SecurityGroups"`
	}
	if err := decode(body, &in); err != nil {
		return err
	}
	if in.FileSystemID == "" || in.SubnetID == "" {
		return badRequest("FileSystemId and SubnetId are required.")
	}
	if len(in.SecurityGroups) > 5 {
		return errorf(http.StatusBadRequest, "SecurityGroupLimitExceeded", "A mount target can have at most 5 security groups.")
	}
	region := regionOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.fileSystem(region, in.FileSystemID)
	if err != nil {
		return err
	}
	m := &mountTarget{Region: region, ID: newID("fsmt"), FileSystemID: f.ID, SubnetID: in.SubnetID}
	i, err := s.net.CreateInterface(r.Context(), region, ec2.InterfaceRequest{SubnetID: in.SubnetID, Groups: in.SecurityGroups,
		PrivateIP: in.IPAddress, Description: "EFS mount target for " + f.ID + " (" + m.ID + ")", Type: "efs",
		Requester: "amazon-elasticfilesystem"})
	if err != nil {
		return fromEC2(err)
	}
	m.VpcID, m.AZ, m.AZID, m.IP, m.ENI, m.Groups = i.VpcID, i.AvailabilityZone, i.AvailabilityZoneID, i.PrivateIP, i.ID, i.Groups
	if err := s.checkPlacement(m, f); err != nil {
		s.net.DeleteInterface(context.WithoutCancel(r.Context()), region, i.ID)
		return err
	}
	if err := s.store.Put(kindMountTargets, region+"/"+m.ID, m); err != nil {
		s.net.DeleteInterface(context.WithoutCancel(r.Context()), region, i.ID)
		return err
	}
	s.mts[region+"/"+m.ID] = m
	return writeJSON(w, r, http.StatusOK, s.mtOut(m, "creating"))
}

// checkPlacement applies EFS's rules: one mount target per zone, all in
// one VPC, and a One Zone file system only in its zone; s.mu is held.
func (s *Service) checkPlacement(m *mountTarget, f *fileSystem) error {
	if f.AvailabilityZone != "" && f.AvailabilityZone != m.AZ {
		return badRequest("File system '%s' is a One Zone file system in %s; subnet %s is in %s.", f.ID, f.AvailabilityZone, m.SubnetID, m.AZ)
	}
	for _, o := range s.mts {
		if o.Region != m.Region || o.FileSystemID != f.ID {
			continue
		}
		if o.VpcID != m.VpcID {
			return errorf(http.StatusConflict, "MountTargetConflict", "requested subnet for new mount target is not in the same VPC as existing mount targets")
		}
		if o.AZ == m.AZ {
			return errorf(http.StatusConflict, "MountTargetConflict", "mount target already exists in this AZ")
		}
	}
	return nil
}

func mtNotFound(id string) error {
	return errorf(http.StatusNotFound, "MountTargetNotFound", "Mount target '%s' does not exist.", id)
}

func (s *Service) describeMountTargets(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	fsID, mtID, apID := q.Get("FileSystemId"), q.Get("MountTargetId"), q.Get("AccessPointId")
	n := 0
	for _, v := range []string{fsID, mtID, apID} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return badRequest("Must specify exactly one mutually exclusive parameter.")
	}
	max, err := intParam(r, "MaxItems")
	if err != nil {
		return err
	}
	region := regionOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if apID != "" {
		a := s.aps[region+"/"+apID]
		if a == nil {
			return apNotFound(apID)
		}
		fsID = a.FileSystemID
	}
	if fsID != "" {
		if _, err := s.fileSystem(region, fsID); err != nil {
			return err
		}
	}
	if mtID != "" && s.mts[region+"/"+mtID] == nil {
		return mtNotFound(mtID)
	}
	var keys []string
	for k, m := range s.mts {
		if m.Region == region && (m.ID == mtID || m.FileSystemID == fsID) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	page, next, err := pagetoken.Page("DescribeMountTargets"+region+fsID+mtID, keys, q.Get("Marker"), max)
	if err != nil {
		return badRequest("Marker is not valid.")
	}
	out := struct {
		Marker       string           `json:"Marker,omitempty"`
		MountTargets []mountTargetOut `json:"MountTargets"`
		NextMarker   string           `json:"NextMarker,omitempty"`
	}{Marker: q.Get("Marker"), MountTargets: []mountTargetOut{}, NextMarker: next}
	for _, k := range page {
		out.MountTargets = append(out.MountTargets, s.mtOut(s.mts[k], "available"))
	}
	return writeJSON(w, r, http.StatusOK, out)
}

func (s *Service) deleteMountTarget(w http.ResponseWriter, r *http.Request, _ []byte) error {
	region, id := regionOf(r), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.mts[region+"/"+id]
	if m == nil {
		return mtNotFound(id)
	}
	if err := s.net.DeleteInterface(r.Context(), region, m.ENI); err != nil && awsproto.AsError(err).Code != "InvalidNetworkInterfaceID.NotFound" {
		return err
	}
	if err := s.store.Delete(kindMountTargets, region+"/"+id); err != nil {
		return err
	}
	delete(s.mts, region+"/"+id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) mountTargetGroups(w http.ResponseWriter, r *http.Request, _ []byte) error {
	region, id := regionOf(r), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.mts[region+"/"+id]
	if m == nil {
		return mtNotFound(id)
	}
	groups := append([]string{}, m.Groups...)
	return writeJSON(w, r, http.StatusOK, struct{ SecurityGroups []string }{groups})
}
