package archive

import (
	"compress/gzip"
	"io"
	"os"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Gzip compresses files to FILE.gz: gzip [-cdfk1-9] [FILE]...
// As gunzip (or gzip -d) it decompresses; as zcat it writes to stdout.
func Gzip(e *applet.Env) int {
	o, files, err := e.Getopt("cdfkqnNtv123456789", "stdout=c", "decompress=d", "force=f", "keep=k", "quiet=q", "test=t")
	if err != nil {
		return 1
	}
	decompress := o.Has("d") || e.Name() == "gunzip" || e.Name() == "zcat"
	toStdout := o.Has("c") || e.Name() == "zcat" || o.Has("t")
	level := gzip.DefaultCompression
	for l := '1'; l <= '9'; l++ {
		if o.Has(string(l)) {
			level = int(l - '0')
		}
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	status := 0
	for _, name := range files {
		if name == "-" {
			if err := convert(e.Stdin, e.Stdout, decompress, level, o.Has("t")); err != nil {
				e.Errorf("%v", err)
				status = 1
			}
			continue
		}
		if err := convertFile(e, name, decompress, toStdout, o.Has("k"), o.Has("f"), level, o.Has("t")); err != nil {
			status = 1
		}
	}
	return status
}

func convert(in io.Reader, out io.Writer, decompress bool, level int, testOnly bool) error {
	if decompress {
		zr, err := gzip.NewReader(in)
		if err != nil {
			return errInvalidMagic
		}
		if testOnly {
			out = io.Discard
		}
		_, err = io.Copy(out, zr)
		return err
	}
	zw, _ := gzip.NewWriterLevel(out, level)
	if _, err := io.Copy(zw, in); err != nil {
		return err
	}
	return zw.Close()
}

type gzipError string

// Error returns the message, as busybox prints it.
func (g gzipError) Error() string { return string(g) }

const errInvalidMagic = gzipError("invalid magic")

func convertFile(e *applet.Env, name string, decompress, toStdout, keep, force bool, level int, testOnly bool) error {
	out := name + ".gz"
	if decompress {
		switch {
		case strings.HasSuffix(name, ".gz"):
			out = strings.TrimSuffix(name, ".gz")
		case strings.HasSuffix(name, ".tgz"):
			out = strings.TrimSuffix(name, ".tgz") + ".tar"
		case !toStdout:
			e.Errorf("%s: unknown suffix - ignored", name)
			return errInvalidMagic
		}
	}
	in, err := os.Open(e.Path(name))
	if err != nil {
		e.Perror(err, "%s", name)
		return err
	}
	defer in.Close()
	if toStdout {
		if err := convert(in, e.Stdout, decompress, level, testOnly); err != nil {
			e.Errorf("%v", err)
			return err
		}
		return nil
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	fi, _ := in.Stat()
	f, err := os.OpenFile(e.Path(out), flags, fi.Mode().Perm())
	if err != nil {
		e.Perror(err, "can't open '%s'", out)
		return err
	}
	err = convert(in, f, decompress, level, false)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(e.Path(out))
		e.Errorf("%v", err)
		return err
	}
	os.Chtimes(e.Path(out), fi.ModTime(), fi.ModTime())
	if !keep {
		os.Remove(e.Path(name))
	}
	return nil
}
