package docker_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/sockerless/sockerless/frontends/docker/internal/backendtest"
)

func TestAttachHalfClose(t *testing.T) {
	fb := backendtest.New(t)
	_, cli := newFrontend(t, fb.Addr, backendtest.Token)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := cli.ContainerAttach(ctx, "c1", client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_ = res.Conn.SetDeadline(time.Now().Add(10 * time.Second))
	if mt, _ := res.MediaType(); mt != "application/vnd.docker.raw-stream" {
		t.Errorf("media type %q", mt)
	}
	// The echo comes back while stdin is still open: nothing waits for EOF.
	if _, err := io.WriteString(res.Conn, "ping\n"); err != nil {
		t.Fatal(err)
	}
	line, err := res.Reader.ReadString('\n')
	if err != nil || line != "ping\n" {
		t.Fatalf("echo %q, %v", line, err)
	}
	if _, err := io.WriteString(res.Conn, "pong\n"); err != nil {
		t.Fatal(err)
	}
	// Half-close: the backend sees EOF on stdin, says goodbye and ends.
	if err := res.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(res.Reader)
	if err != nil || string(rest) != "pong\nbye\n" {
		t.Fatalf("after half-close %q, %v", rest, err)
	}
}

func TestAttachError(t *testing.T) {
	fb := backendtest.New(t)
	_, cli := newFrontend(t, fb.Addr, backendtest.Token)
	_, err := cli.ContainerAttach(t.Context(), "missing", client.ContainerAttachOptions{Stream: true, Stdout: true})
	if err == nil {
		t.Fatal("attach to a missing container succeeded")
	}
	// The moby client reports any non-101 answer to an upgrade this way.
	if !strings.Contains(err.Error(), "received 404") {
		t.Errorf("error %v", err)
	}
}

func TestExecStart(t *testing.T) {
	fb := backendtest.New(t)
	_, cli := newFrontend(t, fb.Addr, backendtest.Token)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// Detached: an ordinary answer, no hijack.
	if _, err := cli.ExecStart(ctx, "e1", client.ExecStartOptions{Detach: true}); err != nil {
		t.Fatalf("detached exec start: %v", err)
	}
	res, err := cli.ExecAttach(ctx, "e1", client.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_ = res.Conn.SetDeadline(time.Now().Add(10 * time.Second))
	out, err := io.ReadAll(res.Reader)
	if err != nil || string(out) != "hello from exec\n" {
		t.Fatalf("exec output %q, %v", out, err)
	}
}

// TestAttachWithoutUpgrade is an attach from a client that does not ask
// for an upgrade (curl): dockerd answers 200 with the stream and the
// connection carries stdin and stdout as after an upgrade.
func TestAttachWithoutUpgrade(t *testing.T) {
	fb := backendtest.New(t)
	srv, _ := newFrontend(t, fb.Addr, backendtest.Token)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// stdin follows the request at once, before any answer.
	_, err = io.WriteString(conn, "POST /v1.51/containers/c1/attach?stream=1&stdin=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nearly\n")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.docker.raw-stream" {
		t.Fatalf("answer %s %v", resp.Status, resp.Header)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(resp.Body)
	if err != nil || string(out) != "early\nbye\n" {
		t.Fatalf("stream %q, %v", out, err)
	}
}

func TestCloseStreamsEndsHijacks(t *testing.T) {
	fb := backendtest.New(t)
	front, cli := newFrontendServer(t, fb.Addr)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := cli.ContainerAttach(ctx, "c1", client.ContainerAttachOptions{Stream: true, Stdin: true, Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	_ = res.Conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(res.Conn, "x\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := res.Reader.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	if front.Streams() != 2 {
		t.Errorf("tracked %d connections, want 2", front.Streams())
	}
	front.CloseStreams()
	// The stream ends (EOF or reset) instead of running into the deadline.
	if _, err := io.ReadAll(res.Reader); err != nil && os.IsTimeout(err) {
		t.Fatalf("read after close: %v", err)
	}
}

// TestUpgradeAnsweredPlainly sends a detached exec start as an upgrade
// request: the backend answers 200 without upgrading, and the client gets
// that answer on a connection that stays usable.
func TestUpgradeAnsweredPlainly(t *testing.T) {
	fb := backendtest.New(t)
	srv, _ := newFrontend(t, fb.Addr, backendtest.Token)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	body := `{"Detach":true}`
	req := "POST /v1.51/exec/e1/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	br := bufio.NewReader(conn)
	for i := range 2 {
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(b) != 0 || resp.Header.Get("Api-Version") != "1.51" {
			t.Fatalf("request %d: %s %q %v", i, resp.Status, b, resp.Header)
		}
	}
}
