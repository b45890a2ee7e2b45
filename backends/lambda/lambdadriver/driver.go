// Package lambdadriver runs Sockerless containers as AWS Lambda functions
// (https://docs.aws.amazon.com/lambda/latest/api/): create is
// CreateFunction from the container's image, whose entrypoint is the
// sockerless-agent in reverse mode wrapping the container's command; start
// is one synchronous Invoke; the agent dials the backend back, and attach,
// exec and docker cp go over that connection.
//
// # Notes
//
// Lambda has no call that stops a running invocation. The backend stops a
// container through its agent (the signal reaches the main process); when
// the agent cannot be reached it abandons the Invoke request, which the
// simulator takes as a cancellation and real Lambda ignores (the function
// then runs until it returns or times out).
package lambdadriver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/agentdriver"
	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/api/driver"
)

// Name is the backend's name in errors and /info.
const Name = "lambda"

// Driver is the Lambda backend's driver.
type Driver struct {
	cfg    Config
	lambda *lambda.Client
	log    zerolog.Logger
	tokens client.TokenKey
	hub    *client.Hub
	srv    *http.Server
	// ctx outlives requests: invocations run on it until Close.
	ctx    context.Context
	cancel context.CancelFunc
}

var _ driver.Lifecycle = (*Driver)(nil)

// New connects to Lambda, starts accepting agents on cfg.CallbackListen and
// returns the driver.
func New(ctx context.Context, cfg Config, log zerolog.Logger) (*Driver, error) {
	awsCfg, err := awsConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	key, err := client.LoadTokenKey(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	d := &Driver{cfg: cfg, lambda: lambda.NewFromConfig(awsCfg), log: log, tokens: key}
	if d.cfg.Role == "" {
		id, err := sts.NewFromConfig(awsCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("lambda backend: find the account: %w", awsErr(err))
		}
		d.cfg.Role = "arn:aws:iam::" + aws.ToString(id.Account) + ":role/sockerless-lambda"
	}
	// Any container ID is accepted whose token the agent presents: only
	// the backend's key derives it.
	d.hub = client.NewHub(func(id string) (string, bool) { return key.Token(id), id != "" }, log)
	ln, err := net.Listen("tcp", cfg.CallbackListen)
	if err != nil {
		return nil, fmt.Errorf("lambda backend: agent callback listener: %w", err)
	}
	if d.cfg.CallbackURL == "" {
		d.cfg.CallbackURL = "http://" + ln.Addr().String()
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+client.ReversePath, d.hub)
	d.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error().Err(err).Msg("agent callback listener failed")
		}
	}()
	d.ctx, d.cancel = context.WithCancel(context.WithoutCancel(ctx))
	log.Info().Str("callback_url", d.cfg.CallbackURL).Msg("accepting agents")
	return d, nil
}

// awsConfig loads the SDK's default configuration chain; with an endpoint
// (a simulator) and no credentials in the environment, fixed test
// credentials are used.
func awsConfig(ctx context.Context, cfg Config) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(cfg.Region)}
	if cfg.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(cfg.Endpoint))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("lambda backend: aws configuration: %w", err)
	}
	if cfg.Endpoint != "" {
		if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
			awsCfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
		}
	}
	return awsCfg, nil
}

// conn waits briefly for container id's agent to be connected.
func (d *Driver) conn(ctx context.Context, id string) (*client.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return d.hub.Get(ctx, id)
}

// Driver returns the driver bundle the core runs. Output reaches the core
// through attach, so the core's log store serves docker logs.
func (d *Driver) Driver() driver.Driver {
	agent := agentdriver.Layer{Conn: d.conn}
	return driver.Driver{
		Name: Name, Lifecycle: d, Exec: agent, Filesystem: agent, Extra: agent,
		Capabilities: driver.Capabilities{Exec: true, Attach: true, Archive: true, CPUs: 6}, // Lambda at 10 240 MB: 6 vCPU
	}
}

// Close stops accepting agents and abandons the invocations in flight.
func (d *Driver) Close() error {
	d.cancel()
	return d.srv.Close()
}
