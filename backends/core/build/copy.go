package build

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/sockerless/sockerless/backends/core/imagestore/layer"
)

// copyRequest is a COPY or ADD instruction.
type copyRequest struct {
	name     string // "COPY" or "ADD"
	add      bool
	sd       instructions.SourcesAndDest
	from     string
	chown    string
	chmod    string
	parents  bool
	excludes []string
}

// source is one matched source: a path under its root.
type source struct {
	root *os.Root
	rel  string
	info fs.FileInfo
}

// copyStep is COPY and ADD: the matched sources become the step's layer,
// written at the destination as dockerd's classic builder lays them out.
// The cache key is a digest of the sources' names, modes, owners and
// contents ("file:<hex>", "dir:<hex>", "multi:<hex>" in the history).
func (j *job) copyStep(ctx context.Context, st *state, req copyRequest) error {
	if req.parents || len(req.excludes) > 0 {
		return errdefs.ErrInvalidArgument.WithMessage("the --parents and --exclude options require BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")
	}
	if len(req.sd.SourceContents) > 0 {
		return errdefs.ErrInvalidArgument.WithMessage("heredocs require BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")
	}
	var mode *fs.FileMode
	if req.chmod != "" {
		m, err := strconv.ParseUint(req.chmod, 8, 32)
		if err != nil || m > 0o7777 {
			return errdefs.ErrInvalidArgument.WithMessage("invalid chmod parameter: " + req.chmod)
		}
		fm := fs.FileMode(m)
		mode = &fm
	}
	root, cleanup, err := j.sourceRoot(ctx, req)
	if err != nil {
		return err
	}
	defer cleanup()
	srcs, err := j.matchSources(ctx, root, req)
	if err != nil {
		return err
	}
	kind, sum, err := hashSources(srcs, req.chown, req.chmod)
	if err != nil {
		return err
	}
	createdBy := strings.Join(append(shellOf(st), fmt.Sprintf("#(nop) %s %s:%s in %s ", req.name, kind, sum, req.sd.DestPath)), " ")
	if j.cached(ctx, st, st.config, createdBy) {
		return nil
	}
	p, err := j.probe(ctx, st)
	if err != nil {
		return err
	}
	defer p.close(ctx)
	dest, destDir, err := j.destination(ctx, st, p, req, srcs)
	if err != nil {
		return err
	}
	uid, gid, err := j.chown(ctx, p, req.chown)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(j.b.tmp, "layer-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	lw := layerWriter{tw: tar.NewWriter(tmp), uid: uid, gid: gid, mode: mode}
	for _, s := range srcs {
		if err := lw.add(s, dest, destDir, req.add); err != nil {
			return err
		}
	}
	if err := lw.tw.Close(); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return j.commit(ctx, st, st.config, createdBy, tmp)
}

// destination resolves COPY's destination against the working directory
// and tells whether it is a directory: written with a trailing slash, or
// an existing directory of the image.
func (j *job) destination(ctx context.Context, st *state, p *probe, req copyRequest, srcs []source) (string, bool, error) {
	dest := req.sd.DestPath
	if !path.IsAbs(dest) {
		wd := st.config.WorkingDir
		if wd == "" {
			wd = "/"
		}
		slash := strings.HasSuffix(dest, "/") || dest == "."
		dest = path.Join(wd, dest)
		if slash {
			dest += "/"
		}
	}
	destDir := strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, "/.")
	if len(srcs) > 1 && !destDir {
		return "", false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("When using %s with more than one source file, the destination must be a directory and end with a /", req.name))
	}
	if !destDir && len(srcs) == 1 && !srcs[0].info.IsDir() {
		s, ok, err := p.stat(ctx, path.Clean(dest))
		if err != nil {
			return "", false, err
		}
		destDir = ok && fs.FileMode(s.Mode).IsDir()
	}
	return path.Clean(dest), destDir, nil
}

// sourceRoot is where COPY reads from: the build context, or with --from
// the files of a stage or image, read into a temporary directory.
func (j *job) sourceRoot(ctx context.Context, req copyRequest) (*os.Root, func(), error) {
	if req.from == "" && !hasURL(req.sd.SourcePaths) {
		return j.ctx.root, func() {}, nil
	}
	dir, err := os.MkdirTemp(j.b.tmp, "copy-")
	if err != nil {
		return nil, nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cleanup := func() { root.Close(); os.RemoveAll(dir) }
	if req.from == "" {
		return root, cleanup, nil
	}
	if err := j.fetchFrom(ctx, root, req); err != nil {
		cleanup()
		return nil, nil, err
	}
	return root, cleanup, nil
}

// fetchFrom copies the sources of COPY --from out of a stage (by name or
// index) or an image into root.
func (j *job) fetchFrom(ctx context.Context, root *os.Root, req copyRequest) error {
	ref := req.from
	var imageID string
	if i, err := strconv.Atoi(ref); err == nil {
		if i < 0 || i >= len(j.results) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid from flag value %s: refers to a stage that is not built yet", ref))
		}
		imageID = j.results[i].id
	} else {
		img, err := j.baseImage(ctx, ref, "", false)
		if err != nil {
			return err
		}
		imageID = img.ID
	}
	if imageID == "" {
		return errdefs.ErrInvalidArgument.WithMessage(req.name + " --from a stage FROM scratch with no files")
	}
	img, err := j.b.images.Resolve(ctx, imageID)
	if err != nil {
		return err
	}
	p, err := j.probeImage(ctx, img.ID, img.Config.Config)
	if err != nil {
		return err
	}
	defer p.close(ctx)
	for _, src := range req.sd.SourcePaths {
		base := cleanRel(src)
		// A pattern's fixed leading directories are fetched whole.
		for hasMeta(base) && base != "." {
			base = path.Dir(base)
		}
		rc, err := p.open(ctx, "/"+base)
		if errdefs.IsNotFound(err) {
			return notFoundErr(req.name, src)
		}
		if err != nil {
			return err
		}
		prefix := path.Dir(base)
		if base == "." {
			prefix = "."
		}
		err = untarUnder(ctx, root, tar.NewReader(rc), prefix, base == ".")
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// matchSources expands the source patterns under root; ADD downloads URLs
// into root first.
func (j *job) matchSources(ctx context.Context, root *os.Root, req copyRequest) ([]source, error) {
	var out []source
	for _, src := range req.sd.SourcePaths {
		if isURL(src) {
			if !req.add {
				return nil, errdefs.ErrInvalidArgument.WithMessage("source can't be a URL for COPY")
			}
			name, err := j.download(ctx, root, src)
			if err != nil {
				return nil, err
			}
			fi, err := root.Lstat(name)
			if err != nil {
				return nil, err
			}
			out = append(out, source{root: root, rel: name, info: fi})
			continue
		}
		rel := cleanRel(src)
		names := []string{rel}
		if hasMeta(rel) {
			var err error
			if names, err = fs.Glob(root.FS(), rel); err != nil {
				return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
			}
			if len(names) == 0 {
				return nil, notFoundErr(req.name, src)
			}
		}
		for _, n := range names {
			fi, err := root.Lstat(n)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, notFoundErr(req.name, src)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, source{root: root, rel: n, info: fi})
		}
	}
	if len(out) == 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage(req.name + " failed: no source files were specified")
	}
	return out, nil
}

func notFoundErr(name, src string) error {
	return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("%s failed: file not found in build context or excluded by .dockerignore: stat %s: file does not exist", name, src))
}

// download fetches an ADD URL into root, named after the URL's last path
// element, mode 0600 as dockerd writes it.
func (j *job) download(ctx context.Context, root *os.Root, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." || name == "" {
		name = "__unnamed__"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	resp, err := j.b.client.Do(req)
	if err != nil {
		return "", errdefs.ErrUnavailable.WithMessage(err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return "", errdefs.ErrUnavailable.WithMessage(fmt.Sprintf("failed to GET %s with status %s", raw, resp.Status))
	}
	f, err := root.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return name, err
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func hasURL(srcs []string) bool {
	for _, s := range srcs {
		if isURL(s) {
			return true
		}
	}
	return false
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

// hashSources digests the sources as the cache key of a COPY/ADD.
func hashSources(srcs []source, chown, chmod string) (kind, sum string, err error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", chown, chmod)
	for _, s := range srcs {
		if err := walkSource(s, func(rel string, fi fs.FileInfo, link string) error {
			fmt.Fprintf(h, "%s\x00%o\x00%d\x00%s\x00", rel, fi.Mode(), fi.Size(), link)
			if fi.Mode().IsRegular() {
				return hashFile(h, s.root, rel)
			}
			return nil
		}); err != nil {
			return "", "", err
		}
	}
	kind = "multi"
	if len(srcs) == 1 {
		kind = "file"
		if srcs[0].info.IsDir() {
			kind = "dir"
		}
	}
	return kind, hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h hash.Hash, root *os.Root, rel string) error {
	f, err := root.Open(rel)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

// walkSource calls fn for s and, for a directory, everything under it,
// with paths relative to the root and symlink targets.
func walkSource(s source, fn func(rel string, fi fs.FileInfo, link string) error) error {
	return fs.WalkDir(s.root.FS(), s.rel, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := s.root.Lstat(p)
		if err != nil {
			return err
		}
		var link string
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = s.root.Readlink(p); err != nil {
				return err
			}
		}
		return fn(p, fi, link)
	})
}

// isArchive reports whether name is a tar (plain or compressed), which
// ADD unpacks.
func isArchive(root *os.Root, name string) bool {
	f, err := root.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	rc, _, err := layer.Decompress(f)
	if err != nil {
		return false
	}
	defer rc.Close()
	_, err = tar.NewReader(rc).Next()
	return err == nil
}
