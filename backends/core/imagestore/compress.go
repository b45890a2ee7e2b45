package imagestore

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"io"

	"github.com/containerd/errdefs"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Media types of the layers the store writes itself.
const (
	mediaTypeLayerTar = "application/vnd.oci.image.layer.v1.tar"
	mediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	mediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
)

// decompress returns the uncompressed stream of r, which may be a plain tar
// or gzip, zstd or bzip2 compressed, as dockerd's DecompressStream accepts.
func decompress(r io.Reader) (io.ReadCloser, error) {
	rc, _, err := decompressKind(r)
	return rc, err
}

// decompressKind is decompress that also returns the layer media type
// matching the compression found.
func decompressKind(r io.Reader) (io.ReadCloser, string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", errdefs.ErrInvalidArgument.WithMessage("invalid gzip stream: " + err.Error())
		}
		return zr, mediaTypeLayerTar + "+gzip", nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, "", errdefs.ErrInvalidArgument.WithMessage("invalid zstd stream: " + err.Error())
		}
		return zr.IOReadCloser(), mediaTypeLayerTar + "+zstd", nil
	case bytes.HasPrefix(magic, []byte("BZh")):
		return io.NopCloser(bzip2.NewReader(br)), "application/x-bzip2", nil
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return nil, "", errdefs.ErrNotImplemented.WithMessage("xz compressed archives are not supported")
	}
	return io.NopCloser(br), mediaTypeLayerTar, nil
}
