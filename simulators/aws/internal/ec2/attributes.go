package ec2

import (
	"net/http"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

type boolValue struct {
	Value bool `xml:"value"`
}

// describeVpcAttribute answers enableDnsSupport, enableDnsHostnames and
// enableNetworkAddressUsageMetrics (always false: the simulator keeps no
// usage metrics), which Terraform reads for every aws_vpc.
func (s *Service) describeVpcAttribute(q *request) (any, error) {
	id, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	attr, err := q.required("Attribute")
	if err != nil {
		return nil, err
	}
	v, err := find(q.r.Vpcs, "vpc", id)
	if err != nil {
		return nil, err
	}
	out := struct {
		VpcID        string     `xml:"vpcId"`
		DNSSupport   *boolValue `xml:"enableDnsSupport,omitempty"`
		DNSHostnames *boolValue `xml:"enableDnsHostnames,omitempty"`
		NAUMetrics   *boolValue `xml:"enableNetworkAddressUsageMetrics,omitempty"`
	}{VpcID: v.ID}
	switch attr {
	case "enableDnsSupport":
		out.DNSSupport = &boolValue{v.DNSSupport}
	case "enableDnsHostnames":
		out.DNSHostnames = &boolValue{v.DNSHostnames}
	case "enableNetworkAddressUsageMetrics":
		out.NAUMetrics = &boolValue{false}
	default:
		return nil, invalidValue("Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return out, nil
}

// modifyVpcAttribute sets one DNS attribute per call, as EC2 requires.
func (s *Service) modifyVpcAttribute(q *request) (any, error) {
	id, err := q.required("VpcId")
	if err != nil {
		return nil, err
	}
	v, err := find(q.r.Vpcs, "vpc", id)
	if err != nil {
		return nil, err
	}
	support, hostnames := q.f.Get("EnableDnsSupport.Value"), q.f.Get("EnableDnsHostnames.Value")
	switch {
	case (support == "") == (hostnames == ""):
		return nil, invalidValue("Exactly one of EnableDnsSupport or EnableDnsHostnames must be given (the attributes the simulator supports).")
	case support != "":
		v.DNSSupport = support == "true"
	default:
		if hostnames == "true" && !v.DNSSupport {
			return nil, awsproto.Errorf(http.StatusBadRequest, "InvalidParameterValue",
				"Cannot enable DNS hostnames: DNS support is not enabled for the VPC.")
		}
		v.DNSHostnames = hostnames == "true"
	}
	return returnTrue, nil
}

// modifySubnetAttribute sets MapPublicIpOnLaunch, the subnet attribute
// Terraform's aws_subnet manages.
func (s *Service) modifySubnetAttribute(q *request) (any, error) {
	id, err := q.required("SubnetId")
	if err != nil {
		return nil, err
	}
	sn, err := find(q.r.Subnets, "subnet", id)
	if err != nil {
		return nil, err
	}
	v := q.f.Get("MapPublicIpOnLaunch.Value")
	if v == "" {
		return nil, invalidValue("The simulator supports only the MapPublicIpOnLaunch subnet attribute.")
	}
	sn.MapPublicIP = v == "true"
	return struct{}{}, nil
}
