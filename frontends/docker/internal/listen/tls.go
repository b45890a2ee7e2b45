package listen

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// TLSOptions are dockerd's --tls, --tlsverify, --tlscert, --tlskey and
// --tlscacert.
type TLSOptions struct {
	// Enable serves TLS on TCP listeners; Verify implies it.
	Enable bool
	// Verify requires client certificates signed by CAFile.
	Verify                    bool
	CertFile, KeyFile, CAFile string
}

// Enabled reports whether TCP listeners serve TLS.
func (o TLSOptions) Enabled() bool { return o.Enable || o.Verify }

// ServerConfig returns the TLS configuration of the TCP listeners, nil when
// TLS is off. As dockerd: TLS 1.2 at least, and with Verify the client must
// present a certificate that CAFile signed; without Verify no certificate
// is asked for. HTTP/1.1 only, since attach and exec hijack the connection.
func ServerConfig(o TLSOptions) (*tls.Config, error) {
	if !o.Enabled() {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate: %w", err)
	}
	conf := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"http/1.1"},
	}
	if o.Verify {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read TLS CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA %s: no PEM certificate found", o.CAFile)
		}
		conf.ClientCAs = pool
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return conf, nil
}
