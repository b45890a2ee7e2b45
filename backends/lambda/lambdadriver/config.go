package lambdadriver

import "time"

// Config is the Lambda backend's configuration. Every field has a default
// that works against the AWS simulator; see [Config.FromEnv].
type Config struct {
	// Endpoint, when set, points every AWS client at it (a simulator).
	Endpoint string
	Region   string
	// Role is the functions' execution role ARN (default: the account's
	// sockerless-lambda role).
	Role string
	// AgentPath is the sockerless-agent executable inside the workload.
	AgentPath string
	// CallbackListen is where the backend accepts the agents that dial
	// back (reverse mode).
	CallbackListen string
	// CallbackURL is the URL the agents dial; default http://CallbackListen.
	CallbackURL string
	// Timeout is the functions' timeout (Lambda's maximum is 15 minutes).
	Timeout time.Duration
	// MemoryMB is the functions' memory size.
	MemoryMB int32
	// DataDir holds the key the agents' tokens are derived from.
	DataDir string
}

// Env names of the configuration.
const (
	EnvEndpoint       = "SOCKERLESS_ENDPOINT_URL"
	EnvRegion         = "SOCKERLESS_AWS_REGION"
	EnvRole           = "SOCKERLESS_LAMBDA_ROLE_ARN"
	EnvAgentPath      = "SOCKERLESS_AGENT_PATH"
	EnvCallbackListen = "SOCKERLESS_CALLBACK_LISTEN"
	EnvCallbackURL    = "SOCKERLESS_CALLBACK_URL"
)

// FromEnv fills c from the environment and the defaults.
func (c *Config) FromEnv(getenv func(string) string) {
	set := func(dst *string, env, def string) {
		if *dst != "" {
			return
		}
		if *dst = getenv(env); *dst == "" {
			*dst = def
		}
	}
	set(&c.Endpoint, EnvEndpoint, "")
	region := getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	set(&c.Region, EnvRegion, region)
	set(&c.Role, EnvRole, "")
	set(&c.AgentPath, EnvAgentPath, "sockerless-agent")
	set(&c.CallbackListen, EnvCallbackListen, "127.0.0.1:0")
	set(&c.CallbackURL, EnvCallbackURL, "")
	if c.Timeout == 0 {
		c.Timeout = 15 * time.Minute
	}
	if c.MemoryMB == 0 {
		c.MemoryMB = 1024
	}
}
