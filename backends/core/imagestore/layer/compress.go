package layer

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"io"

	"github.com/containerd/errdefs"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// MediaTypeTar is the media type of an uncompressed layer.
const MediaTypeTar = "application/vnd.oci.image.layer.v1.tar"

// Decompress returns the uncompressed stream of r, which may be a plain tar
// or gzip, zstd or bzip2 compressed, as dockerd's DecompressStream accepts,
// and the layer media type matching the compression found.
func Decompress(r io.Reader) (io.ReadCloser, string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", errdefs.ErrInvalidArgument.WithMessage("invalid gzip stream: " + err.Error())
		}
		return zr, MediaTypeTar + "+gzip", nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, "", errdefs.ErrInvalidArgument.WithMessage("invalid zstd stream: " + err.Error())
		}
		return zr.IOReadCloser(), MediaTypeTar + "+zstd", nil
	case bytes.HasPrefix(magic, []byte("BZh")):
		return io.NopCloser(bzip2.NewReader(br)), "application/x-bzip2", nil
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return nil, "", errdefs.ErrNotImplemented.WithMessage("xz compressed archives are not supported")
	}
	return io.NopCloser(br), MediaTypeTar, nil
}
