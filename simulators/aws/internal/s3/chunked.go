package s3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
)

// errChunk is returned for a body that is not valid aws-chunked encoding.
var errChunk = errors.New("malformed aws-chunked body")

// decodeChunked decodes an aws-chunked body (SigV4 streaming uploads and
// trailing checksums): "<hex size>[;chunk-signature=…]\r\n<data>\r\n"
// repeated, ended by a zero-size chunk and optional trailer lines. Chunk
// signatures are not verified.
func decodeChunked(body []byte) ([]byte, error) {
	r := bufio.NewReader(bytes.NewReader(body))
	var out bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, errChunk
		}
		line = strings.TrimRight(line, "\r\n")
		sizeHex, _, _ := strings.Cut(line, ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || size < 0 || size > int64(len(body)) {
			return nil, errChunk
		}
		if size == 0 {
			return out.Bytes(), nil // trailers follow; their checksums are not checked
		}
		if _, err := io.CopyN(&out, r, size); err != nil {
			return nil, errChunk
		}
		crlf := make([]byte, 2)
		if _, err := io.ReadFull(r, crlf); err != nil || string(crlf) != "\r\n" {
			return nil, errChunk
		}
	}
}
