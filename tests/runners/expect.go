package runners

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Expect is what one workflow or pipeline must produce, read from its
// comment lines:
//
//	# want: TEXT       a line of job output contains TEXT
//	# absent: TEXT     no line of job output contains TEXT
//	# log: TEXT        the runner's whole log contains TEXT (step results, errors)
//	# lines: PREFIX N  exactly N lines of job output start with PREFIX
//	# exit: N          the runner exits with status N (default 0)
//	# max-seconds: N   the run takes less than N seconds
//	# file: NAME TEXT  the file NAME of the run's host directory (@HOSTDIR@) contains TEXT
//	# backends: NAMES  the backends it runs on, space-separated (default all)
type Expect struct {
	Want, Absent, Log []string
	Lines             map[string]int
	Files             map[string]string
	Exit              int
	MaxSeconds        int
	Backends          []string
}

var directive = regexp.MustCompile(`^\s*# (want|absent|log|lines|file|exit|max-seconds|backends): (.*)$`)

// ReadExpect parses the expectation comments of the file at path.
func ReadExpect(path string) (Expect, error) {
	f, err := os.Open(path)
	if err != nil {
		return Expect{}, err
	}
	defer f.Close()
	return parseExpect(f, path)
}

// parseExpect parses the expectation comments of r, named path in errors.
func parseExpect(r io.Reader, path string) (Expect, error) {
	e := Expect{Lines: map[string]int{}, Files: map[string]string{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := directive.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		val := strings.TrimRight(m[2], " ")
		switch m[1] {
		case "want":
			e.Want = append(e.Want, val)
		case "absent":
			e.Absent = append(e.Absent, val)
		case "log":
			e.Log = append(e.Log, val)
		case "file":
			name, text, ok := strings.Cut(val, " ")
			if !ok {
				return e, fmt.Errorf("%s: bad file directive %q", path, val)
			}
			e.Files[name] = text
		case "backends":
			e.Backends = strings.Fields(val)
		case "lines":
			i := strings.LastIndexByte(val, ' ')
			c, err := strconv.Atoi(val[i+1:])
			if i < 0 || err != nil {
				return e, fmt.Errorf("%s: bad lines directive %q", path, val)
			}
			e.Lines[val[:i]] = c
		case "exit", "max-seconds":
			c, err := strconv.Atoi(val)
			if err != nil {
				return e, fmt.Errorf("%s: bad %s directive %q", path, m[1], val)
			}
			if m[1] == "exit" {
				e.Exit = c
			} else {
				e.MaxSeconds = c
			}
		}
	}
	if err := sc.Err(); err != nil {
		return e, err
	}
	if len(e.Want)+len(e.Lines) == 0 {
		return e, fmt.Errorf("%s: no want or lines directive: every run must assert its job output", path)
	}
	return e, nil
}

// RunsOn reports whether the expectation applies to backend.
func (e Expect) RunsOn(backend string) bool {
	if len(e.Backends) == 0 {
		return true
	}
	for _, b := range e.Backends {
		if b == backend {
			return true
		}
	}
	return false
}

// Check compares a run against e: output is the job output lines, log the
// runner's whole log, hostDir the run's host directory. It returns one
// message per failed expectation.
func (e Expect) Check(exit int, seconds float64, output []string, log, hostDir string) []string {
	var bad []string
	for name, text := range e.Files {
		data, err := os.ReadFile(filepath.Join(hostDir, name))
		if err != nil || !strings.Contains(string(data), text) {
			bad = append(bad, fmt.Sprintf("host file %s = %q (%v), want it to contain %q", name, data, err, text))
		}
	}
	if exit != e.Exit {
		bad = append(bad, fmt.Sprintf("exit status %d, want %d", exit, e.Exit))
	}
	if e.MaxSeconds > 0 && seconds >= float64(e.MaxSeconds) {
		bad = append(bad, fmt.Sprintf("took %.1fs, want under %ds", seconds, e.MaxSeconds))
	}
	has := func(s string) bool {
		for _, l := range output {
			if strings.Contains(l, s) {
				return true
			}
		}
		return false
	}
	for _, w := range e.Want {
		if !has(w) {
			bad = append(bad, fmt.Sprintf("no output line contains %q", w))
		}
	}
	for _, a := range e.Absent {
		if has(a) {
			bad = append(bad, fmt.Sprintf("an output line contains %q", a))
		}
	}
	for _, l := range e.Log {
		if !strings.Contains(log, l) {
			bad = append(bad, fmt.Sprintf("the log does not contain %q", l))
		}
	}
	for prefix, want := range e.Lines {
		n := 0
		for _, l := range output {
			if strings.HasPrefix(l, prefix) {
				n++
			}
		}
		if n != want {
			bad = append(bad, fmt.Sprintf("%d output lines start with %q, want %d", n, prefix, want))
		}
	}
	return bad
}
