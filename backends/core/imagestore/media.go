package imagestore

import (
	"io"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// Media types of what the store writes itself.
const (
	mediaTypeLayerTar = layer.MediaTypeTar
	mediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	mediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
)

// decompress returns the uncompressed stream of r (see [layer.Decompress]).
func decompress(r io.Reader) (io.ReadCloser, error) {
	rc, _, err := layer.Decompress(r)
	return rc, err
}
