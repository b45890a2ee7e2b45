package ec2

import (
	"slices"
	"strings"
)

type zone struct{ name, id string }

// zones returns a region's availability zones: <region>a, b and c, with
// AWS's zone IDs (use1-az1 ...). Real regions have three to six.
func zones(region string) []zone {
	out := make([]zone, 3)
	for i, l := range "abc" {
		out[i] = zone{region + string(l), regionCode(region) + "-az" + itoa(i+1)}
	}
	return out
}

func zoneID(region, name string) string {
	for _, z := range zones(region) {
		if z.name == name {
			return z.id
		}
	}
	return ""
}

// regionCode abbreviates a region as zone IDs do: us-east-1 -> use1,
// ap-southeast-2 -> apse2, eu-central-1 -> euc1.
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 3 {
		return region
	}
	mid := strings.Join(parts[1:len(parts)-1], "")
	for _, w := range []string{"north", "south", "east", "west", "central"} {
		mid = strings.ReplaceAll(mid, w, w[:1])
	}
	return parts[0] + mid + parts[len(parts)-1]
}

// regions is the list DescribeRegions answers: the commercial regions
// that need no opt-in.
var regions = []string{"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
	"ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"}

type azXML struct {
	ZoneName           string `xml:"zoneName"`
	ZoneID             string `xml:"zoneId"`
	ZoneState          string `xml:"zoneState"`
	State              string `xml:"state"`
	RegionName         string `xml:"regionName"`
	ZoneType           string `xml:"zoneType"`
	GroupName          string `xml:"groupName"`
	NetworkBorderGroup string `xml:"networkBorderGroup"`
	OptInStatus        string `xml:"optInStatus"`
}

func (s *Service) describeAZs(q *request) (any, error) {
	names, ids := q.f.List("ZoneName"), q.f.List("ZoneId")
	fs := q.filters()
	out := struct {
		AZs []azXML `xml:"availabilityZoneInfo>item"`
	}{}
	for _, z := range zones(q.r.Name) {
		if len(names)+len(ids) > 0 && !slices.Contains(names, z.name) && !slices.Contains(ids, z.id) {
			continue
		}
		ok, err := q.matches(fs, z.name, fields{"zone-name": {z.name}, "zone-id": {z.id}, "state": {"available"},
			"region-name": {q.r.Name}, "zone-type": {"availability-zone"}, "group-name": {q.r.Name},
			"opt-in-status": {"opt-in-not-required"}})
		if err != nil {
			return nil, err
		}
		if ok {
			out.AZs = append(out.AZs, azXML{z.name, z.id, "available", "available", q.r.Name, "availability-zone",
				q.r.Name, q.r.Name, "opt-in-not-required"})
		}
	}
	for _, n := range names {
		if zoneID(q.r.Name, n) == "" {
			return nil, invalidValue("The zone '%s' does not exist.", n)
		}
	}
	return out, nil
}

type regionXML struct {
	RegionName  string `xml:"regionName"`
	Endpoint    string `xml:"regionEndpoint"`
	OptInStatus string `xml:"optInStatus"`
}

func (s *Service) describeRegions(q *request) (any, error) {
	names := q.f.List("RegionName")
	fs := q.filters()
	out := struct {
		Regions []regionXML `xml:"regionInfo>item"`
	}{}
	for _, n := range names {
		if !slices.Contains(regions, n) {
			return nil, invalidValue("Invalid region: %s", n)
		}
	}
	for _, r := range regions {
		if len(names) > 0 && !slices.Contains(names, r) {
			continue
		}
		ep := "ec2." + r + ".amazonaws.com"
		ok, err := q.matches(fs, r, fields{"region-name": {r}, "endpoint": {ep}, "opt-in-status": {"opt-in-not-required"}})
		if err != nil {
			return nil, err
		}
		if ok {
			out.Regions = append(out.Regions, regionXML{r, ep, "opt-in-not-required"})
		}
	}
	return out, nil
}
