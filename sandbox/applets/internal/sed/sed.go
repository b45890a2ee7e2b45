package sed

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// Sed is the stream editor: sed [-inrsEz] [-e SCRIPT]... [-f FILE]... [SCRIPT] [FILE]...
func Sed(e *applet.Env) int {
	o, args, err := e.Getopt("nrEsuzi::e:f:", "quiet=n", "silent=n", "regexp-extended=E", "separate=s",
		"null-data=z", "in-place::", "expression=e:", "file=f:", "posix", "debug", "unbuffered=u")
	if err != nil {
		return 1
	}
	var parts []string
	for _, s := range o.All("e") {
		parts = append(parts, s)
	}
	for _, f := range o.All("f") {
		b, err := readScript(e, f)
		if err != nil {
			e.Perror(err, "can't open '%s'", f)
			return 1
		}
		parts = append(parts, strings.TrimSuffix(string(b), "\n"))
	}
	if len(parts) == 0 {
		if len(args) == 0 {
			e.Errorf("no script specified")
			return 1
		}
		parts, args = []string{args[0]}, args[1:]
	}
	script := strings.Join(parts, "\n")
	quiet := o.Has("n") || strings.HasPrefix(script, "#n\n") || script == "#n"
	cmds, err := Parse(script, o.Has("r") || o.Has("E"))
	if err != nil {
		e.Errorf("%s", strings.TrimPrefix(err.Error(), ErrSyntax.Error()+": "))
		return 1
	}
	out := bufio.NewWriter(e.Stdout)
	defer out.Flush()
	m, err := newMachine(cmds, out, quiet)
	if err != nil {
		e.Errorf("%s", strings.TrimPrefix(err.Error(), ErrSyntax.Error()+": "))
		return 1
	}
	m.zero = o.Has("z")
	m.open = func(name string) (io.WriteCloser, error) { return os.Create(e.Path(name)) }
	m.read = func(name string) ([]byte, error) {
		if name == "/dev/stdin" || name == "-" {
			return io.ReadAll(e.Stdin)
		}
		return os.ReadFile(e.Path(name))
	}
	status := 0
	onErr := func(name string, err error) {
		e.Perror(err, "%s", name)
		status = 1
	}
	inPlace := o.Has("i") || o.Has("in-place")
	if !inPlace {
		if len(args) == 0 {
			args = []string{"-"}
		}
		src := &source{onErr: onErr}
		for _, name := range args {
			src.readers = append(src.readers, opener(e, name))
		}
		if err := m.run(src); err != nil {
			e.Errorf("%v", err)
			return 1
		}
		if m.exitCode != 0 {
			return m.exitCode
		}
		return status
	}
	if len(args) == 0 {
		e.Errorf("no input files")
		return 1
	}
	suffix := o.Get("i", o.Get("in-place", ""))
	for _, name := range args {
		if m.quit {
			break
		}
		if code := editInPlace(e, m, name, suffix, onErr); code != 0 {
			return code
		}
	}
	if m.exitCode != 0 {
		return m.exitCode
	}
	return status
}

func readScript(e *applet.Env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.Stdin)
	}
	return os.ReadFile(e.Path(name))
}

func opener(e *applet.Env, name string) func() (io.Reader, string, error) {
	return func() (io.Reader, string, error) {
		if name == "-" {
			return e.Stdin, name, nil
		}
		fi, err := os.Stat(e.Path(name))
		if err == nil && fi.IsDir() {
			return nil, name, errors.New("read error: Is a directory")
		}
		f, err := os.Open(e.Path(name))
		if err != nil {
			return nil, name, err
		}
		return f, name, nil // closed when the applet exits
	}
}

// editInPlace runs the script over one file and replaces it atomically.
func editInPlace(e *applet.Env, m *machine, name, suffix string, onErr func(string, error)) int {
	data, err := os.ReadFile(e.Path(name))
	if err != nil {
		onErr(name, err)
		return 0
	}
	fi, _ := os.Stat(e.Path(name))
	var buf bytes.Buffer
	saved := m.out
	m.out = bufio.NewWriter(&buf)
	m.lineNo = 0
	for _, c := range m.cmds {
		if c.inRange != nil {
			*c.inRange = false
		}
	}
	src := &source{onErr: onErr, readers: []func() (io.Reader, string, error){
		func() (io.Reader, string, error) { return bytes.NewReader(data), name, nil },
	}}
	err = m.run(src)
	m.out.Flush()
	m.out = saved
	m.missingNL = false
	if err != nil {
		e.Errorf("%v", err)
		return 1
	}
	if suffix != "" {
		backup := name + suffix
		if strings.Contains(suffix, "*") {
			backup = path.Join(path.Dir(name), strings.ReplaceAll(suffix, "*", path.Base(name)))
		}
		if err := os.WriteFile(e.Path(backup), data, fi.Mode().Perm()); err != nil {
			e.Perror(err, "can't create '%s'", backup)
			return 1
		}
	}
	tmp := e.Path(path.Join(path.Dir(name), ".sed"+path.Base(name)+"~"))
	if err := os.WriteFile(tmp, buf.Bytes(), fi.Mode().Perm()); err != nil {
		e.Perror(err, "can't create '%s'", name)
		return 1
	}
	if err := os.Rename(tmp, e.Path(name)); err != nil {
		os.Remove(tmp)
		e.Perror(err, "can't rename '%s'", name)
		return 1
	}
	return 0
}
