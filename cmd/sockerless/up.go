package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sockerless/sockerless/api/backendapi"
)

const (
	frontendBinary = "sockerless-frontend-docker"
	backendPrefix  = "sockerless-backend-"
	// readyTimeout bounds how long each daemon may take to answer.
	readyTimeout = 30 * time.Second
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

type upOptions struct {
	backend string
	dataDir string
	listen  listFlag
	grace   time.Duration
	// frontend flags passed through as given
	tls, tlsVerify                 bool
	tlsCert, tlsKey, tlsCA, logLvl string
	// backend flags passed through as given
	mirrors, insecure listFlag
}

func parseUp(args []string, getenv func(string) string, stderr io.Writer) (upOptions, error) {
	var o upOptions
	fs := flag.NewFlagSet("sockerless up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.backend, "backend", "memory", "backend `name`: runs sockerless-backend-NAME (memory; ecs and lambda take SOCKERLESS_ENDPOINT_URL and the rest of their configuration from the environment)")
	fs.StringVar(&o.dataDir, "data-dir", "", "state `directory` (default $HOME/.sockerless)")
	fs.Var(&o.listen, "listen", "`address` of the Docker API: unix:///path or tcp://host:port, repeatable\n(default unix://DATA-DIR/docker.sock and tcp://127.0.0.1:2375)")
	fs.DurationVar(&o.grace, "stop-timeout", 10*time.Second, "how long the daemons may take to stop before they are killed")
	fs.BoolVar(&o.tls, "tls", false, "serve TLS on TCP listeners (frontend)")
	fs.BoolVar(&o.tlsVerify, "tlsverify", false, "serve TLS and require client certificates (frontend)")
	fs.StringVar(&o.tlsCert, "tlscert", "", "TLS certificate `file` (frontend)")
	fs.StringVar(&o.tlsKey, "tlskey", "", "TLS key `file` (frontend)")
	fs.StringVar(&o.tlsCA, "tlscacert", "", "CA `file` for client certificates (frontend)")
	fs.StringVar(&o.logLvl, "log-level", "", "log `level` of both daemons")
	fs.Var(&o.mirrors, "registry-mirror", "Docker Hub mirror `URL` (backend, repeatable)")
	fs.Var(&o.insecure, "insecure-registry", "registry `host:port` or CIDR reached over plain HTTP (backend, repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, errHelp
		}
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sockerless up: unexpected arguments %q\n", fs.Args())
		return o, errUsage
	}
	if o.backend == "" || strings.ContainsAny(o.backend, `/\`) {
		return o, fmt.Errorf("invalid backend name %q", o.backend)
	}
	if o.dataDir == "" {
		home := getenv("HOME")
		if home == "" {
			return o, errors.New("$HOME is not set: pass --data-dir")
		}
		o.dataDir = filepath.Join(home, ".sockerless")
	}
	dir, err := filepath.Abs(o.dataDir)
	if err != nil {
		return o, err
	}
	o.dataDir = dir
	if len(o.listen) == 0 {
		o.listen = listFlag{"unix://" + filepath.Join(dir, "docker.sock"), "tcp://127.0.0.1:2375"}
	}
	return o, nil
}

// frontendArgs are the frontend's flags for o, talking to backendAddr.
func (o upOptions) frontendArgs(backendAddr string) []string {
	args := []string{"--backend", backendAddr}
	for _, l := range o.listen {
		args = append(args, "--listen", l)
	}
	if o.tls {
		args = append(args, "--tls")
	}
	if o.tlsVerify {
		args = append(args, "--tlsverify")
	}
	for _, f := range [][2]string{{"--tlscert", o.tlsCert}, {"--tlskey", o.tlsKey}, {"--tlscacert", o.tlsCA}, {"--log-level", o.logLvl}} {
		if f[1] != "" {
			args = append(args, f[0], f[1])
		}
	}
	return args
}

// backendArgs are the backend's flags for o, listening on socket sock.
func (o upOptions) backendArgs(sock string) []string {
	args := []string{"--listen", "unix://" + sock, "--data-dir", filepath.Join(o.dataDir, o.backend)}
	if o.logLvl != "" {
		args = append(args, "--log-level", o.logLvl)
	}
	for _, m := range o.mirrors {
		args = append(args, "--registry-mirror", m)
	}
	for _, r := range o.insecure {
		args = append(args, "--insecure-registry", r)
	}
	return args
}

// newToken returns the secret the two daemons share for this run.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// childEnv is the environment of the daemons: ours with the token.
func childEnv(token string) []string {
	env := []string{backendapi.TokenEnv + "=" + token}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, backendapi.TokenEnv+"=") {
			env = append(env, kv)
		}
	}
	return env
}

// up starts the backend, waits until it answers, starts the frontend,
// waits until it answers /_ping, prints DOCKER_HOST, and runs until ctx
// is done (SIGINT, SIGTERM) or one daemon dies, stopping the other.
func up(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseUp(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return err
	}
	unlock, err := lockDir(o.dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	backendBin, err := findBinary(backendPrefix+o.backend, getenv("PATH"))
	if err != nil {
		return err
	}
	frontendBin, err := findBinary(frontendBinary, getenv("PATH"))
	if err != nil {
		return err
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	env := childEnv(token)
	backendSock := filepath.Join(o.dataDir, "backend.sock")
	backendArgs := o.backendArgs(backendSock)

	backend, err := startChild("backend", backendBin, backendArgs, env, stderr)
	if err != nil {
		return err
	}
	defer backend.stop(o.grace)
	if err := waitReady(ctx, backend, func(ctx context.Context) error { return backendInfo(ctx, backendSock, token) }); err != nil {
		return interrupted(ctx, err)
	}
	frontend, err := startChild("frontend", frontendBin, o.frontendArgs("unix://"+backendSock), env, stderr)
	if err != nil {
		return err
	}
	// Deferred calls run last-in first-out: the frontend stops first, so
	// no client request reaches a backend that is going away.
	defer frontend.stop(o.grace)
	host := dockerHost(o.listen)
	tls := o.tls || o.tlsVerify
	if err := waitReady(ctx, frontend, func(ctx context.Context) error { return ping(ctx, host, tls) }); err != nil {
		if frontend.exited() {
			return cause(backend, frontend)
		}
		return interrupted(ctx, err)
	}
	fmt.Fprintf(stdout, "export DOCKER_HOST=%s\n", host)
	fmt.Fprintf(stderr, "sockerless: up with the %s backend; stop with Ctrl-C\n", o.backend)

	select {
	case <-ctx.Done():
		fmt.Fprintln(stderr, "sockerless: stopping")
		return nil
	case <-backend.done:
		return backend.unexpected()
	case <-frontend.done:
		return cause(backend, frontend)
	}
}

// cause is the error for a frontend that ended on its own: the backend's
// end when it died too (the frontend cannot work without it), else the
// frontend's.
func cause(backend, frontend *child) error {
	select {
	case <-backend.done:
		return backend.unexpected()
	case <-time.After(time.Second):
		return frontend.unexpected()
	}
}

// interrupted is nil when err is only that ctx was cancelled: Ctrl-C
// during start-up is a clean stop.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil
	}
	return err
}

// dockerHost is the DOCKER_HOST to print: the first unix socket, else the
// first listener, with a wildcard host made the loopback address a
// client on this machine can dial.
func dockerHost(listen []string) string {
	for _, l := range listen {
		if strings.HasPrefix(l, "unix://") {
			return l
		}
	}
	addr := strings.TrimPrefix(listen[0], "tcp://")
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return listen[0]
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "tcp://" + net.JoinHostPort(host, port)
}
