package ecs

import (
	"context"
	"errors"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/core/reqid"
)

// Network is the part of the simulated EC2 an awsvpc task needs: the
// elastic network interface it gets at RunTask and gives back when it
// stops.
type Network interface {
	CreateInterface(ctx context.Context, region string, req ec2.InterfaceRequest) (ec2.Interface, error)
	DeleteInterface(ctx context.Context, region, id string) error
}

// taskENI is the interface made for one task at RunTask, with the ID of
// the attachment that shows it.
type taskENI struct {
	ec2.Interface
	attachmentID string
}

// createENIs makes the interfaces of n awsvpc tasks before any of them
// is created, so that a bad subnet or group fails RunTask as a whole;
// s.mu is held (EC2 takes only its own lock). Tasks of other network
// modes get none.
func (s *Service) createENIs(ctx context.Context, region string, td *taskDef, in *runTaskInput, n int) ([]taskENI, error) {
	out := make([]taskENI, n)
	if td.parsed.NetworkMode != "awsvpc" {
		return out, nil
	}
	for i := range out {
		id := reqid.New()
		iface, err := s.createENI(ctx, region, id, in)
		if err != nil {
			for _, made := range out[:i] {
				s.deleteENI(ctx, &task{Region: region, iface: made.Interface})
			}
			return nil, err
		}
		out[i] = taskENI{Interface: iface, attachmentID: id}
	}
	return out, nil
}

// createENI creates the interface of one awsvpc task in the first subnet
// of in's awsvpcConfiguration, with its security groups (none: the VPC's
// default group), described as ECS describes its attachments. EC2's
// errors become ECS's InvalidParameterException, worded as ECS words
// them.
func (s *Service) createENI(ctx context.Context, region, attachmentID string, in *runTaskInput) (ec2.Interface, error) {
	vpc := in.NetworkConfiguration.AwsvpcConfiguration
	req := ec2.InterfaceRequest{SubnetID: vpc.Subnets[0], Groups: vpc.SecurityGroups,
		Description: s.arn(region, "attachment/"+attachmentID), Requester: "amazon-aws"}
	iface, err := s.net.CreateInterface(ctx, region, req)
	if err != nil {
		return ec2.Interface{}, eniErr(err, vpc.Subnets, vpc.SecurityGroups)
	}
	return iface, nil
}

// eniErr translates an EC2 error of CreateInterface. ECS looks subnets
// and groups up with a describe call, so a malformed ID is reported as
// not found: "Error retrieving subnet information for [subnet-x]: The
// subnet ID 'subnet-x' does not exist (ErrorCode: InvalidSubnetID.NotFound)".
func eniErr(err error, subnets, groups []string) error {
	var e *awsproto.Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case strings.HasPrefix(e.Code, "InvalidSubnetID."):
		id := subnets[0]
		return invalidParam("Error retrieving subnet information for [%s]: The subnet ID '%s' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
			strings.Join(subnets, ", "), id)
	case strings.HasPrefix(e.Code, "InvalidGroup"):
		id := missingID(e.Message, groups)
		return invalidParam("Error retrieving security group information for [%s]: The security group '%s' does not exist (ErrorCode: InvalidGroup.NotFound)",
			strings.Join(groups, ", "), id)
	case e.Server:
		return err
	}
	return invalidParam("%s (ErrorCode: %s)", e.Message, e.Code)
}

// missingID is the ID of ids that msg names.
func missingID(msg string, ids []string) string {
	for _, id := range ids {
		if strings.Contains(msg, id) {
			return id
		}
	}
	return strings.Join(ids, ", ")
}

// deleteENI gives t's interface back to EC2; s.mu is held. An interface
// already gone (deleted through the EC2 API) is not an error.
func (s *Service) deleteENI(ctx context.Context, t *task) {
	if t.iface.ID == "" {
		return
	}
	err := s.net.DeleteInterface(ctx, t.Region, t.iface.ID)
	var e *awsproto.Error
	if err == nil || errors.As(err, &e) && strings.HasSuffix(e.Code, ".NotFound") {
		t.iface.ID = ""
	}
}

// attachENI records t's interface in its attachment, as DescribeTasks
// shows it once the task is PENDING; s.mu is held.
func (s *Service) attachENI(t *task) {
	iface := t.iface
	if len(t.Attachments) == 0 || iface.ID == "" {
		return
	}
	a := &t.Attachments[0]
	a.Status = "ATTACHED"
	a.Details = append(a.Details,
		KeyValue{Name: "networkInterfaceId", Value: iface.ID},
		KeyValue{Name: "macAddress", Value: iface.MAC},
		KeyValue{Name: "privateDnsName", Value: iface.PrivateDNSName},
		KeyValue{Name: "privateIPv4Address", Value: iface.PrivateIP})
	for _, c := range t.Containers {
		c.NetworkInterfaces = []networkInterface{{AttachmentID: a.ID, PrivateIpv4Address: iface.PrivateIP}}
	}
}
