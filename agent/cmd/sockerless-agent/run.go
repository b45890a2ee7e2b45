package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/agent/internal/proc"
	"github.com/sockerless/sockerless/agent/internal/rootfs"
	"github.com/sockerless/sockerless/agent/internal/server"
)

// forwarded are the signals the agent passes on to the main process, as
// tini does: all but those the Go runtime or the agent itself need.
var forwarded = []os.Signal{
	syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGUSR1,
	syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGCONT, syscall.SIGTSTP, syscall.SIGTTIN,
	syscall.SIGTTOU, syscall.SIGWINCH,
}

// config is the agent's command line.
type config struct {
	listen, callback, id, root string
	tokenFile, tlsCert, tlsKey string
	tty, stdin                 bool
	replay                     int
	linger                     time.Duration
	logLevel                   string
	args                       []string
}

func parse(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("sockerless-agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "", "serve backends on this address (forward mode), e.g. :9111 or :${PORT:-9111}")
	fs.StringVar(&c.callback, "callback", "", "dial the backend at this URL (reverse mode)")
	fs.StringVar(&c.id, "id", "", "container ID sent to the backend in reverse mode (default $SOCKERLESS_CONTAINER_ID)")
	fs.StringVar(&c.root, "root", "/", "root directory of the container file system served to archive requests")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding the container's token (default $SOCKERLESS_AGENT_TOKEN)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve forward mode over TLS with this certificate")
	fs.StringVar(&c.tlsKey, "tls-key", "", "key of --tls-cert")
	fs.BoolVar(&c.tty, "tty", false, "run the main process on a terminal (docker run -t)")
	fs.BoolVar(&c.stdin, "stdin", false, "keep the main process's stdin open for attach (docker run -i)")
	fs.IntVar(&c.replay, "replay-bytes", 1<<20, "output of the main process kept for attach to replay")
	fs.DurationVar(&c.linger, "linger", 100*time.Millisecond, "after the main process exits, wait up to this long for an attached backend to receive its exit code")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.args = fs.Args()
	switch {
	case len(c.args) == 0:
		return c, errors.New("no command: sockerless-agent [flags] -- CMD ARGS...")
	case (c.listen == "") == (c.callback == ""):
		return c, errors.New("exactly one of --listen and --callback is required")
	}
	return c, nil
}

func token(c config, getenv func(string) string) (string, error) {
	t := getenv("SOCKERLESS_AGENT_TOKEN")
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return "", err
		}
		t = string(b)
	}
	if t = strings.TrimSpace(t); t == "" {
		return "", errors.New("a token is required: --token-file or SOCKERLESS_AGENT_TOKEN")
	}
	return t, nil
}

// run returns the exit code of the agent: the main process's, or 127 when
// it could not start, as Docker.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parse(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sockerless-agent:", err)
		return 2
	}
	lvl, err := zerolog.ParseLevel(c.logLevel)
	if err != nil {
		lvl = zerolog.InfoLevel
	}
	log := zerolog.New(stderr).Level(lvl).With().Timestamp().Str("daemon", "agent").Logger()
	tok, err := token(c, getenv)
	if err != nil {
		log.Error().Err(err).Msg("cannot start")
		return 2
	}
	// The workload must not see the token in its environment.
	_ = os.Unsetenv("SOCKERLESS_AGENT_TOKEN")
	fsys, err := rootfs.Open(c.root)
	if err != nil {
		log.Error().Err(err).Msg("cannot start")
		return 2
	}
	defer fsys.Close()

	reaper := proc.NewReaper()
	defer reaper.Close()
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	m, err := reaper.StartMain(proc.MainOptions{Args: c.args, TTY: c.tty, OpenStdin: c.stdin,
		Stdout: stdout, Stderr: stderr, ReplayBytes: c.replay})
	if err != nil {
		fmt.Fprintln(stderr, "sockerless-agent:", err)
		if errdefs.IsPermissionDenied(err) {
			return 126
		}
		return 127
	}
	log.Info().Int("pid", m.PID()).Strs("args", c.args).Msg("main process started")
	agent := &server.Agent{Main: m, Reaper: reaper, FS: fsys, Token: tok, Log: log, Delivered: make(chan struct{})}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, c, agent, getenv, log) }()
	for {
		select {
		case sig := <-sigs:
			_ = m.Signal(sig.(syscall.Signal))
		case err := <-errc:
			if err != nil {
				log.Error().Err(err).Msg("cannot serve backends")
				_ = m.Signal(syscall.SIGKILL)
			}
			errc = nil
		case <-m.Done():
			code := m.ExitCode()
			log.Info().Int("exit_code", code).Msg("main process exited")
			// Attached clients get the exit code before the agent goes.
			select {
			case <-agent.Delivered:
			case <-time.After(c.linger):
			}
			reaper.KillAll()
			return code
		}
	}
}

func serve(ctx context.Context, c config, a *server.Agent, getenv func(string) string, log zerolog.Logger) error {
	if c.callback != "" {
		id := c.id
		if id == "" {
			id = getenv("SOCKERLESS_CONTAINER_ID")
		}
		return a.DialBack(ctx, c.callback, id)
	}
	ln, err := net.Listen("tcp", expand(c.listen, getenv))
	if err != nil {
		return err
	}
	log.Info().Str("addr", ln.Addr().String()).Msg("agent listening")
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if c.tlsCert != "" {
		err = srv.ServeTLS(ln, c.tlsCert, c.tlsKey)
	} else {
		err = srv.Serve(ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
