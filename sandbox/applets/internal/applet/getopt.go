package applet

import (
	"errors"
	"strings"
)

// Opts holds parsed options by name: a short option by its letter, a
// long-only option by its long name. Each occurrence appends its value ("" for
// flags), so repeated flags count and repeated options accumulate.
type Opts map[string][]string

// Has reports whether option k was given.
func (o Opts) Has(k string) bool { return len(o[k]) > 0 }

// Count returns how often option k was given.
func (o Opts) Count(k string) int { return len(o[k]) }

// Get returns the last value of option k, or def.
func (o Opts) Get(k, def string) string {
	if v := o[k]; len(v) > 0 {
		return v[len(v)-1]
	}
	return def
}

// All returns every value of option k in order.
func (o Opts) All(k string) []string { return o[k] }

// ErrUsage is returned by [Env.Getopt] after it printed a usage error.
var ErrUsage = errors.New("usage error")

// Getopt parses busybox (getopt32) options from e.Args[1:].
//
// short lists the option letters; a letter followed by ':' takes an argument,
// one followed by "::" an optional argument that must be attached (-Iseconds).
// Each long entry is "name" (a long-only flag), "name:" (a long-only option
// with an argument) or "name=x" (an alias of the short option x). As glibc's
// getopt does, options may follow operands; "--" ends them and "-" is an
// operand. On a bad option Getopt prints busybox's message and returns
// [ErrUsage]; the applet then exits 1.
func (e *Env) Getopt(short string, long ...string) (Opts, []string, error) {
	return e.getopt(e.Args[1:], short, long, true)
}

// GetoptPosix is [Env.Getopt] that stops at the first operand, as commands do
// whose operands may start with '-' (or that run other commands).
func (e *Env) GetoptPosix(short string, long ...string) (Opts, []string, error) {
	return e.getopt(e.Args[1:], short, long, false)
}

func (e *Env) getopt(args []string, short string, long []string, permute bool) (Opts, []string, error) {
	o := Opts{}
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return o, append(operands, args[i+1:]...), nil
		case strings.HasPrefix(a, "--"):
			n, err := e.longOpt(o, a[2:], args[i+1:], long)
			if err != nil {
				return nil, nil, err
			}
			i += n
		case len(a) > 1 && a[0] == '-':
			n, err := e.shortOpts(o, a[1:], args[i+1:], short)
			if err != nil {
				return nil, nil, err
			}
			i += n
		case permute:
			operands = append(operands, a)
		default:
			return o, append(operands, args[i:]...), nil
		}
	}
	return o, operands, nil
}

// shortOpts parses one cluster like "rf" or "n5" and returns how many of the
// following arguments it consumed.
func (e *Env) shortOpts(o Opts, cluster string, rest []string, short string) (int, error) {
	for j := 0; j < len(cluster); j++ {
		c := cluster[j]
		k := strings.IndexByte(short, c)
		if k < 0 || c == ':' {
			e.Errorf("invalid option -- '%c'", c)
			e.ShowUsage()
			return 0, ErrUsage
		}
		if k+1 >= len(short) || short[k+1] != ':' {
			o[string(c)] = append(o[string(c)], "")
			continue
		}
		if j+1 < len(cluster) || (k+2 < len(short) && short[k+2] == ':') {
			// "x::" takes an optional argument, attached only.
			o[string(c)] = append(o[string(c)], cluster[j+1:])
			return 0, nil
		}
		if len(rest) == 0 {
			e.Errorf("option requires an argument -- '%c'", c)
			e.ShowUsage()
			return 0, ErrUsage
		}
		o[string(c)] = append(o[string(c)], rest[0])
		return 1, nil
	}
	return 0, nil
}

func (e *Env) longOpt(o Opts, a string, rest []string, long []string) (int, error) {
	name, val, hasVal := strings.Cut(a, "=")
	for _, l := range long {
		lname, alias, isAlias := strings.Cut(l, "=")
		takesArg := strings.HasSuffix(lname, ":")
		lname = strings.TrimSuffix(lname, ":")
		if lname != name {
			continue
		}
		key := name
		if isAlias {
			key = alias
			takesArg = strings.HasSuffix(alias, ":")
			key = strings.TrimSuffix(key, ":")
		}
		if !takesArg {
			if hasVal {
				e.Errorf("option '--%s' doesn't allow an argument", name)
				return 0, ErrUsage
			}
			o[key] = append(o[key], "")
			return 0, nil
		}
		if hasVal {
			o[key] = append(o[key], val)
			return 0, nil
		}
		if len(rest) == 0 {
			e.Errorf("option '--%s' requires an argument", name)
			return 0, ErrUsage
		}
		o[key] = append(o[key], rest[0])
		return 1, nil
	}
	e.Errorf("unrecognized option '--%s'", name)
	e.ShowUsage()
	return 0, ErrUsage
}
