package ec2

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
)

// kind describes one resource type by its ID prefix: how EC2 names it in
// DescribeTags and in its NotFound and Malformed errors.
type kind struct {
	resourceType string // DescribeTags' resourceType
	code         string // error code stem: <stem>.NotFound, <stem>.Malformed
	notFound     string // message, with the ID for %s
}

// kinds is the catalogue of EC2's per-resource errors, keyed by ID prefix.
var kinds = map[string]kind{
	"vpc":      {"vpc", "InvalidVpcID", "The vpc ID '%s' does not exist"},
	"subnet":   {"subnet", "InvalidSubnetID", "The subnet ID '%s' does not exist"},
	"sg":       {"security-group", "InvalidGroup", "The security group '%s' does not exist"},
	"sgr":      {"security-group-rule", "InvalidSecurityGroupRuleId", "The security group rule ID '%s' does not exist"},
	"eni":      {"network-interface", "InvalidNetworkInterfaceID", "The networkInterface ID '%s' does not exist"},
	"rtb":      {"route-table", "InvalidRouteTableID", "The routeTable ID '%s' does not exist"},
	"rtbassoc": {"route-table-association", "InvalidAssociationID", "The association ID '%s' does not exist"},
	"igw":      {"internet-gateway", "InvalidInternetGatewayID", "The internetGateway ID '%s' does not exist"},
	"nat":      {"natgateway", "NatGateway", "The Nat Gateway %s was not found"},
	"eipalloc": {"elastic-ip", "InvalidAllocationID", "The allocation ID '%s' does not exist"},
	"dopt":     {"dhcp-options", "InvalidDhcpOptionID", "The dhcpOption ID '%s' does not exist"},
	"acl":      {"network-acl", "InvalidNetworkAclID", "The networkAcl ID '%s' does not exist"},
}

func notFound(prefix, id string) *awsproto.Error {
	k := kinds[prefix]
	code := k.code + ".NotFound"
	if prefix == "nat" {
		code = "NatGatewayNotFound"
	}
	return awsproto.Errorf(http.StatusBadRequest, code, k.notFound, id)
}

// checkID returns the Malformed error EC2 answers for an ID that does not
// have prefix's shape ("vpc-" and hex digits).
func checkID(prefix, id string) error {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	if ok && rest != "" && strings.Trim(rest, "0123456789abcdef") == "" {
		return nil
	}
	k := kinds[prefix]
	code := k.code + ".Malformed"
	switch prefix {
	case "sg":
		code = "InvalidGroupId.Malformed"
	case "nat":
		code = "NatGatewayMalformed"
	}
	return awsproto.Errorf(http.StatusBadRequest, code, "Invalid id: \"%s\"", id)
}

// find looks id up in m, answering the Malformed or NotFound error.
func find[T any](m map[string]*T, prefix, id string) (*T, error) {
	if err := checkID(prefix, id); err != nil {
		return nil, err
	}
	v := m[id]
	if v == nil {
		return nil, notFound(prefix, id)
	}
	return v, nil
}

func invalidValue(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

func dependency(format string, args ...any) *awsproto.Error {
	return awsproto.Errorf(http.StatusBadRequest, "DependencyViolation", format, args...)
}

// required returns parameter name or EC2's MissingParameter error.
func (q *request) required(name string) (string, error) {
	v := q.f.Get(name)
	if v == "" {
		return "", awsproto.Errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter %s", name)
	}
	return v, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
