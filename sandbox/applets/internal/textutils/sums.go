package textutils

import (
	"bufio"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Sum returns the applet for one hash: md5sum, sha1sum, sha256sum or
// sha512sum [-c [-sw]] [FILE]...
func Sum(newHash func() hash.Hash) applet.Func {
	return func(e *applet.Env) int {
		o, files, err := e.Getopt("cswb", "check=c", "status=s", "warn=w", "binary=b")
		if err != nil {
			return 1
		}
		if len(files) == 0 {
			files = []string{"-"}
		}
		if o.Has("c") {
			return checkSums(e, newHash, files, o.Has("s"))
		}
		status := 0
		for _, name := range files {
			sum, err := hashFile(e, newHash, name)
			if err != nil {
				e.Perror(err, "can't open '%s'", name)
				status = 1
				continue
			}
			fmt.Fprintf(e.Stdout, "%s  %s\n", sum, name)
		}
		return status
	}
}

// Hashes maps the checksum applet names to their hash constructors.
func Hashes() map[string]func() hash.Hash {
	return map[string]func() hash.Hash{"md5sum": md5.New, "sha1sum": sha1.New, "sha256sum": sha256.New, "sha512sum": sha512.New}
}

func hashFile(e *applet.Env, newHash func() hash.Hash, name string) (string, error) {
	f, err := e.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := newHash()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func checkSums(e *applet.Env, newHash func() hash.Hash, files []string, quiet bool) int {
	bad, total := 0, 0
	status := 0
	for _, list := range files {
		f, err := e.Open(list)
		if err != nil {
			e.Perror(err, "can't open '%s'", list)
			status = 1
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			want, name, ok := strings.Cut(sc.Text(), "  ")
			if !ok {
				want, name, ok = strings.Cut(sc.Text(), " *")
			}
			if !ok {
				continue
			}
			total++
			got, err := hashFile(e, newHash, name)
			switch {
			case err != nil:
				e.Perror(err, "can't open '%s'", name)
				bad++
				if !quiet {
					fmt.Fprintf(e.Stdout, "%s: FAILED\n", name)
				}
			case got != strings.ToLower(want):
				bad++
				if !quiet {
					fmt.Fprintf(e.Stdout, "%s: FAILED\n", name)
				}
			case !quiet:
				fmt.Fprintf(e.Stdout, "%s: OK\n", name)
			}
		}
		f.Close()
	}
	if bad > 0 {
		if !quiet {
			e.Errorf("WARNING: %d of %d computed checksums did NOT match", bad, total)
		}
		return 1
	}
	return status
}
