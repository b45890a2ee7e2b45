package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/frontends/docker/internal/backend"
)

// benchSize is what each benchmark operation moves: large enough that the
// copy loop, not the request, dominates.
const benchSize = 64 << 20

// benchChunk is the size of the fake backend's writes, as an io.Copy in
// the backend makes them.
const benchChunk = 32 << 10

// Run with, for example:
//
//	go test -run '^$' -bench 'Stream' -benchtime 10x ./internal/proxy/
//
// Each benchmark has a "direct" case, the client against the fake backend's
// socket, and a "proxy" case, the same client through [Proxy] on a socket
// of its own; the MB/s of the two side by side are the proxy's cost.

// BenchmarkHijackedStream measures a hijacked exec start that streams
// benchSize bytes to the client (docker exec c cat bigfile).
func BenchmarkHijackedStream(b *testing.B) {
	back, front := benchServers(b)
	for _, tc := range []struct{ name, sock string }{{"direct", back}, {"proxy", front}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(benchSize)
			for b.Loop() {
				if n := readHijacked(b, tc.sock); n != benchSize {
					b.Fatalf("read %d bytes, want %d", n, benchSize)
				}
			}
		})
	}
}

// BenchmarkStreamedBody measures an ordinary answer with a chunked body of
// benchSize bytes (docker export, docker logs, GET archive, docker save).
func BenchmarkStreamedBody(b *testing.B) {
	back, front := benchServers(b)
	for _, tc := range []struct{ name, sock string }{{"direct", back}, {"proxy", front}} {
		b.Run(tc.name, func(b *testing.B) {
			c := &http.Client{Transport: &http.Transport{
				Dial: func(string, string) (net.Conn, error) { return net.Dial("unix", tc.sock) },
			}}
			defer c.CloseIdleConnections()
			b.SetBytes(benchSize)
			for b.Loop() {
				resp, err := c.Get("http://docker/containers/c1/export")
				if err != nil {
					b.Fatal(err)
				}
				n, err := drain(resp.Body)
				resp.Body.Close()
				if err != nil || n != benchSize {
					b.Fatalf("read %d bytes (%v), want %d", n, err, benchSize)
				}
			}
		})
	}
}

// benchServers starts the fake backend and a proxy in front of it and
// returns their socket paths.
func benchServers(b *testing.B) (back, front string) {
	b.Helper()
	dir, err := os.MkdirTemp("", "slpb")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	back, front = filepath.Join(dir, "b.sock"), filepath.Join(dir, "f.sock")
	serveUnix(b, back, benchBackend())
	bc, err := backend.New("unix://"+back, "t")
	if err != nil {
		b.Fatal(err)
	}
	serveUnix(b, front, New(bc, nil, zerolog.Nop()))
	return back, front
}

func serveUnix(b *testing.B, sock string, h http.Handler) {
	l, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Close() })
}

// benchBackend streams benchSize bytes in benchChunk writes: hijacked for
// exec start, as a chunked body for export.
func benchBackend() http.Handler {
	chunk := make([]byte, benchChunk)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /exec/{id}/start", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := httpx.Hijack(w, r, httpx.RawStream)
		if err != nil {
			return
		}
		defer conn.Close()
		for n := 0; n < benchSize; n += len(chunk) {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("GET /containers/{id}/export", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-tar")
		for n := 0; n < benchSize; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	return mux
}

// readHijacked starts an exec on sock as the docker CLI does and reads the
// stream to its end.
func readHijacked(b *testing.B, sock string) int64 {
	conn, err := net.Dial("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	body := `{"Detach":false,"Tty":true}`
	fmt.Fprintf(conn, "POST /exec/e1/start HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/29.0.0 (linux)\r\n"+
		"Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: %s\r\n\r\n%s",
		strconv.Itoa(len(body)), body)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		b.Fatalf("status %s", resp.Status)
	}
	n, err := drain(br)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// drain reads r to its end in 32 KiB reads, as the docker CLI's stdcopy
// does (io.Discard would choose its own, smaller, reads).
func drain(r io.Reader) (int64, error) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		m, err := r.Read(buf)
		n += int64(m)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
