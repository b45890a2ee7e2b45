//go:build !linux

package proxy

import "io"

// spliceUnix is splice(2) on Linux; elsewhere the caller copies.
func spliceUnix(dst io.Writer, src io.Reader) (n int64, handled bool, err error) {
	return 0, false, nil
}
