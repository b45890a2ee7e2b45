package servicediscovery

import "time"

// Tag is Cloud Map's key/value tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type namespace struct {
	Region           string    `json:"region"`
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Type             string    `json:"type"` // DNS_PRIVATE, HTTP
	Description      string    `json:"description,omitempty"`
	Vpc              string    `json:"vpc,omitempty"`
	HostedZoneID     string    `json:"hostedZoneId,omitempty"`
	CreatorRequestID string    `json:"creatorRequestId,omitempty"`
	Created          time.Time `json:"created"`
	Tags             []Tag     `json:"tags,omitempty"`
}

type dnsRecord struct {
	Type string `json:"Type"`
	TTL  int64  `json:"TTL"`
}

type dnsConfig struct {
	NamespaceID   string      `json:"NamespaceId,omitempty"`
	RoutingPolicy string      `json:"RoutingPolicy,omitempty"`
	DNSRecords    []dnsRecord `json:"DnsRecords"`
}

type healthCheckConfig struct {
	Type             string `json:"Type"`
	ResourcePath     string `json:"ResourcePath,omitempty"`
	FailureThreshold *int   `json:"FailureThreshold,omitempty"`
}

type healthCheckCustomConfig struct {
	FailureThreshold *int `json:"FailureThreshold,omitempty"`
}

type instance struct {
	ID               string            `json:"id"`
	CreatorRequestID string            `json:"creatorRequestId,omitempty"`
	Attributes       map[string]string `json:"attributes"`
	Health           string            `json:"health"`
}

type service struct {
	Region           string                   `json:"region"`
	ID               string                   `json:"id"`
	Name             string                   `json:"name"`
	NamespaceID      string                   `json:"namespaceId"`
	Description      string                   `json:"description,omitempty"`
	Type             string                   `json:"type,omitempty"`
	DNS              *dnsConfig               `json:"dns,omitempty"`
	HealthCheck      *healthCheckConfig       `json:"healthCheck,omitempty"`
	HealthCustom     *healthCheckCustomConfig `json:"healthCustom,omitempty"`
	CreatorRequestID string                   `json:"creatorRequestId,omitempty"`
	Created          time.Time                `json:"created"`
	Tags             []Tag                    `json:"tags,omitempty"`
	Instances        map[string]*instance     `json:"instances"`
	Revision         int64                    `json:"revision"`
}

type operation struct {
	Region  string            `json:"region"`
	ID      string            `json:"id"`
	Type    string            `json:"type"`
	Status  string            `json:"status"`
	Created time.Time         `json:"created"`
	Updated time.Time         `json:"updated"`
	Targets map[string]string `json:"targets"`
}
