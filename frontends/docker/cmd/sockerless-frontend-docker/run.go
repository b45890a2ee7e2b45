package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/backendapi"
	docker "github.com/sockerless/sockerless/frontends/docker"
	"github.com/sockerless/sockerless/frontends/docker/internal/listen"
)

const (
	// readHeaderTimeout bounds how long a client may take to send headers.
	readHeaderTimeout = 30 * time.Second
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

type options struct {
	listen   listFlag
	backend  string
	tls      listen.TLSOptions
	logLevel string
	version  bool
	grace    time.Duration
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("sockerless-frontend-docker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	certDir := getenv("DOCKER_CERT_PATH")
	if certDir == "" {
		certDir = filepath.Join(getenv("HOME"), ".docker")
	}
	fs.Var(&o.listen, "listen", "`address` to serve the Docker API on: unix:///path or tcp://host:port (repeatable)")
	fs.StringVar(&o.backend, "backend", "", "backend daemon `address`: unix:///path or http://host:port")
	fs.BoolVar(&o.tls.Enable, "tls", false, "serve TLS on TCP listeners; implied by --tlsverify")
	fs.BoolVar(&o.tls.Verify, "tlsverify", false, "serve TLS and require client certificates signed by --tlscacert")
	fs.StringVar(&o.tls.CertFile, "tlscert", filepath.Join(certDir, "cert.pem"), "TLS certificate `file`")
	fs.StringVar(&o.tls.KeyFile, "tlskey", filepath.Join(certDir, "key.pem"), "TLS key `file`")
	fs.StringVar(&o.tls.CAFile, "tlscacert", filepath.Join(certDir, "ca.pem"), "trust client certificates signed by this CA `file`")
	fs.StringVar(&o.logLevel, "log-level", "info", "log `level`: debug, info, warn, error")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.DurationVar(&o.grace, "shutdown-timeout", 5*time.Second, "how long in-flight requests may finish on SIGTERM before they are cut")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	return o, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	b := build()
	if o.version {
		fmt.Fprintf(stdout, "sockerless-frontend-docker %s (commit %s, built %s)\n", b.Version, b.Commit, b.Date)
		return nil
	}
	level, err := zerolog.ParseLevel(o.logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "sockerless-frontend-docker:", err)
		return err
	}
	log := zerolog.New(stderr).Level(level).With().Timestamp().Str("daemon", "frontend").Logger()
	if err := serve(ctx, o, b, getenv(backendapi.TokenEnv), log); err != nil {
		log.Error().Err(err).Msg("frontend failed")
		return err
	}
	return nil
}

func serve(ctx context.Context, o options, b docker.Build, token string, log zerolog.Logger) error {
	if token == "" {
		return fmt.Errorf("%s is not set: the frontend needs the backend's token", backendapi.TokenEnv)
	}
	if o.backend == "" {
		return errors.New("--backend is required")
	}
	if len(o.listen) == 0 {
		return errors.New("at least one --listen address is required")
	}
	tlsConf, err := listen.ServerConfig(o.tls)
	if err != nil {
		return err
	}
	front, err := docker.NewServer(docker.Config{Backend: o.backend, Token: token, Build: b, Log: log})
	if err != nil {
		return err
	}
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for _, s := range o.listen {
		a, err := listen.Parse(s)
		if err != nil {
			return err
		}
		l, err := listen.Listen(ctx, a, tlsConf)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", a, err)
		}
		lns = append(lns, l)
		warnInsecure(log, a, tlsConf != nil)
		log.Info().Str("listen", a.String()).Bool("tls", a.Network == "tcp" && tlsConf != nil).Msg("listening")
	}
	srv := &http.Server{
		Handler:           front,
		ReadHeaderTimeout: readHeaderTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		// TLS handshake failures and the like, as log lines of ours.
		ErrorLog: stdlog.New(log.With().Str("component", "http").Logger(), "", 0),
	}
	srv.RegisterOnShutdown(front.CloseStreams)
	log.Info().Str("version", b.Version).Str("backend", o.backend).Msg("frontend started")
	logBackend(ctx, front, log)
	err = docker.Serve(ctx, srv, lns, o.grace)
	log.Info().Msg("frontend stopped")
	return err
}

// warnInsecure warns, as dockerd does, about plain TCP beyond loopback:
// anyone who reaches it controls the daemon.
func warnInsecure(log zerolog.Logger, a listen.Addr, tls bool) {
	if a.Network != "tcp" || tls {
		return
	}
	host, _, _ := net.SplitHostPort(a.Address)
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return
	}
	log.Warn().Str("listen", a.String()).Msg("serving the docker api on tcp without tls: anyone who can reach it controls sockerless")
}

// logBackend reports which backend answers, or warns that none does yet:
// requests fail with 503 until it does, but the frontend keeps serving.
func logBackend(ctx context.Context, front *docker.Server, log zerolog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	info, err := front.BackendInfo(ctx)
	if err != nil {
		log.Warn().Err(err).Msg("backend not reachable yet")
		return
	}
	log.Info().Str("backend_name", info.Backend).Str("backend_version", info.Version).Msg("backend reachable")
}
