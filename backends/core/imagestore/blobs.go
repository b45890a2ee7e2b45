package imagestore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
)

// blobStore keeps content-addressed blobs under dir/sha256/<hex>. Blobs being
// written are pinned so that a concurrent delete does not collect them before
// their image record exists.
type blobStore struct {
	dir string

	mu   sync.Mutex
	pins map[string]int
}

func openBlobs(dir string) (*blobStore, error) {
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o700); err != nil {
		return nil, err
	}
	return &blobStore{dir: dir, pins: map[string]int{}}, nil
}

// validDigest reports whether d is "sha256:" and 64 lowercase hex digits.
func validDigest(d string) bool {
	hexPart, ok := strings.CutPrefix(d, "sha256:")
	return ok && isHex(hexPart) && len(hexPart) == 64
}

func isHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (b *blobStore) path(digest string) (string, error) {
	if !validDigest(digest) {
		return "", errdefs.ErrInvalidArgument.WithMessage("invalid digest " + digest)
	}
	return filepath.Join(b.dir, "sha256", strings.TrimPrefix(digest, "sha256:")), nil
}

func (b *blobStore) has(digest string) bool {
	p, err := b.path(digest)
	if err != nil {
		return false
	}
	_, err = os.Stat(p)
	return err == nil
}

func (b *blobStore) open(digest string) (*os.File, error) {
	p, err := b.path(digest)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", digest, errdefs.ErrNotFound)
	}
	return f, err
}

func (b *blobStore) read(digest string) ([]byte, error) {
	f, err := b.open(digest)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// pin protects digest from collection until the returned func is called.
func (b *blobStore) pin(digest string) func() {
	b.mu.Lock()
	b.pins[digest]++
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		if b.pins[digest]--; b.pins[digest] <= 0 {
			delete(b.pins, digest)
		}
		b.mu.Unlock()
	}
}

// blobWriter writes a blob to a temporary file while hashing it; commit
// verifies the digest, makes the file durable and renames it into place.
type blobWriter struct {
	b    *blobStore
	f    *os.File
	h    hash.Hash
	n    int64
	done bool
}

func (b *blobStore) create() (*blobWriter, error) {
	f, err := os.CreateTemp(filepath.Join(b.dir, "sha256"), ".tmp-blob-")
	if err != nil {
		return nil, fmt.Errorf("create blob: %w", err)
	}
	return &blobWriter{b: b, f: f, h: sha256.New()}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	return n, err
}

// digest is the digest of what was written so far.
func (w *blobWriter) digest() string { return "sha256:" + hex.EncodeToString(w.h.Sum(nil)) }

// commit stores the blob. When want is set the content must have that
// digest. The blob is pinned; the caller releases it with the returned func
// once an image record refers to it.
func (w *blobWriter) commit(want string) (digest string, size int64, unpin func(), err error) {
	defer w.cancel()
	digest = w.digest()
	if want != "" && want != digest {
		return "", 0, nil, errdefs.ErrDataLoss.WithMessage(fmt.Sprintf("digest mismatch: expected %s, got %s", want, digest))
	}
	if err := w.f.Sync(); err != nil {
		return "", 0, nil, fmt.Errorf("write blob: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return "", 0, nil, fmt.Errorf("write blob: %w", err)
	}
	unpin = w.b.pin(digest)
	p, _ := w.b.path(digest)
	if err := os.Rename(w.f.Name(), p); err != nil {
		unpin()
		return "", 0, nil, fmt.Errorf("write blob: %w", err)
	}
	w.done = true
	if err := syncDir(filepath.Dir(p)); err != nil {
		unpin()
		return "", 0, nil, err
	}
	return digest, w.n, unpin, nil
}

// cancel discards an uncommitted blob; it is safe to call after commit.
func (w *blobWriter) cancel() {
	if !w.done {
		w.done = true
		w.f.Close()
		os.Remove(w.f.Name())
	}
}

// put stores data as a blob and pins it.
func (b *blobStore) put(data []byte) (string, func(), error) {
	w, err := b.create()
	if err != nil {
		return "", nil, err
	}
	if _, err := w.Write(data); err != nil {
		w.cancel()
		return "", nil, fmt.Errorf("write blob: %w", err)
	}
	d, _, unpin, err := w.commit("")
	return d, unpin, err
}

// remove deletes the blobs of digests that are neither used nor pinned.
func (b *blobStore) remove(digests []string, used map[string]bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range digests {
		if used[d] || b.pins[d] > 0 {
			continue
		}
		p, err := b.path(d)
		if err != nil {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove blob: %w", err)
		}
	}
	return nil
}

// collect removes every blob that is not in used (crash leftovers).
func (b *blobStore) collect(used map[string]bool) error {
	entries, err := os.ReadDir(filepath.Join(b.dir, "sha256"))
	if err != nil {
		return fmt.Errorf("list blobs: %w", err)
	}
	var unused []string
	for _, e := range entries {
		if d := "sha256:" + e.Name(); validDigest(d) && !used[d] {
			unused = append(unused, d)
		}
	}
	return b.remove(unused, used)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
