package harness

import (
	"net"
	"time"
)

type netDialer struct{}

func (netDialer) dial(sock string) (net.Conn, error) {
	return net.DialTimeout("unix", sock, time.Second)
}
