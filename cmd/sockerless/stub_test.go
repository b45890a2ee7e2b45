package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sockerless/sockerless/api/backendapi"
)

// TestMain lets the test binary stand in for the daemons: linked as
// sockerless-backend-NAME or sockerless-frontend-docker, it runs a stub.
//
// Stub backends by NAME: memory serves the info route; crash exits with
// status 3 a moment after it answers the frontend; broken exits with status 2 at once;
// stubborn ignores SIGTERM.
func TestMain(m *testing.M) {
	name := filepath.Base(os.Args[0])
	if backend, ok := strings.CutPrefix(name, backendPrefix); ok {
		os.Exit(stubBackend(backend, os.Args[1:]))
	}
	if name == frontendBinary {
		os.Exit(stubFrontend(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func stubFail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "stub: "+format+"\n", args...)
	return 1
}

// stubServe serves h on the listeners until SIGTERM; it records its pid in
// pidFile.
func stubServe(h http.Handler, listen []string, pidFile string, ignoreTerm bool) int {
	if ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return stubFail("%v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	for _, l := range listen {
		network, addr, _ := strings.Cut(l, "://")
		ln, err := net.Listen(network, addr)
		if err != nil {
			return stubFail("%v", err)
		}
		go srv.Serve(ln)
	}
	<-ctx.Done()
	srv.Close()
	return 0
}

func stubBackend(name string, args []string) int {
	fs := flag.NewFlagSet("backend", flag.ContinueOnError)
	var listen listFlag
	fs.Var(&listen, "listen", "")
	dataDir := fs.String("data-dir", "", "")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	token := os.Getenv(backendapi.TokenEnv)
	if token == "" || *dataDir == "" || len(listen) != 1 {
		return stubFail("backend: token %q data dir %q listen %q", token, *dataDir, listen)
	}
	if name == "broken" {
		return 2
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return stubFail("%v", err)
	}
	mux := http.NewServeMux()
	var asked atomic.Int32
	mux.HandleFunc("GET "+backendapi.InfoPath, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"backend":%q}`, name)
		// The second asker is the frontend (up asks first): crashing
		// after it, not after a fixed time, keeps the test's order on a
		// loaded machine.
		if name == "crash" && asked.Add(1) == 2 {
			go func() { time.Sleep(200 * time.Millisecond); os.Exit(3) }()
		}
	})
	return stubServe(backendapi.RequireToken(token, mux), listen, filepath.Join(*dataDir, "pid"), name == "stubborn")
}

// stubFrontend checks that it can reach the backend with the token, then
// answers /_ping on its listeners.
func stubFrontend(args []string) int {
	fs := flag.NewFlagSet("frontend", flag.ContinueOnError)
	var listen listFlag
	fs.Var(&listen, "listen", "")
	backend := fs.String("backend", "", "")
	if err := fs.Parse(args); err != nil {
		return 1
	}
	token := os.Getenv(backendapi.TokenEnv)
	sock := strings.TrimPrefix(*backend, "unix://")
	if err := backendInfo(context.Background(), sock, token); err != nil {
		return stubFail("frontend cannot reach the backend: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_ping", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "OK") })
	return stubServe(mux, listen, filepath.Join(filepath.Dir(sock), "frontend.pid"), false)
}
