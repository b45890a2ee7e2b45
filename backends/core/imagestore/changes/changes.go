// Package changes applies Dockerfile instructions to an image
// configuration, as docker import --change and docker commit --change do
// (https://docs.docker.com/reference/dockerfile/).
package changes

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// Apply applies Dockerfile instructions to cfg, as docker import
// --change and docker commit --change do. Only the instructions that change
// the configuration are valid (dockerd's validCommitCommands); others are
// Docker's "<cmd> is not a valid change command".
//
// Variables ($VAR, ${VAR:-default}) in ENV, LABEL, EXPOSE, VOLUME,
// WORKDIR, USER and STOPSIGNAL expand from the environment so far, as in
// dockerd's builder.
func Apply(cfg *dockerspec.DockerOCIImageConfig, changes []string) error {
	for _, line := range changes {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		if i := strings.IndexFunc(line, unicode.IsSpace); i >= 0 {
			instr, rest = line[:i], line[i+1:]
		}
		rest = strings.TrimSpace(rest)
		if err := applyChange(cfg, strings.ToLower(instr), rest); err != nil {
			return err
		}
	}
	return nil
}

func applyChange(cfg *dockerspec.DockerOCIImageConfig, instr, rest string) error {
	invalid := func(msg string) error {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("%s: %s", strings.ToUpper(instr), msg))
	}
	needArg := func() error {
		if rest == "" {
			return invalid("requires at least one argument")
		}
		return nil
	}
	lx := newLexer(cfg.Env)
	switch instr {
	case "cmd":
		cfg.Cmd = commandArgs(rest, cfg.Shell)
	case "entrypoint":
		cfg.Entrypoint = commandArgs(rest, cfg.Shell)
	case "env", "label":
		if err := needArg(); err != nil {
			return err
		}
		pairs, err := keyValues(lx, rest)
		if err != nil {
			return invalid(err.Error())
		}
		for _, kv := range pairs {
			if instr == "env" {
				cfg.Env = setEnv(cfg.Env, kv[0], kv[1])
				continue
			}
			if cfg.Labels == nil {
				cfg.Labels = map[string]string{}
			}
			cfg.Labels[kv[0]] = kv[1]
		}
	case "expose":
		if err := needArg(); err != nil {
			return err
		}
		words, err := lx.words(rest)
		if err != nil {
			return invalid(err.Error())
		}
		for _, p := range words {
			ports, err := exposedPorts(p)
			if err != nil {
				return invalid(err.Error())
			}
			if cfg.ExposedPorts == nil {
				cfg.ExposedPorts = map[string]struct{}{}
			}
			for _, k := range ports {
				cfg.ExposedPorts[k] = struct{}{}
			}
		}
	case "volume":
		if err := needArg(); err != nil {
			return err
		}
		vols, ok := jsonArgs(rest)
		if !ok {
			var err error
			if vols, err = lx.words(rest); err != nil {
				return invalid(err.Error())
			}
		}
		for _, v := range vols {
			if v = strings.TrimSpace(v); v == "" {
				return invalid("VOLUME specified can not be an empty string")
			}
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			cfg.Volumes[v] = struct{}{}
		}
	case "workdir":
		if err := needArg(); err != nil {
			return err
		}
		dir, err := lx.word(rest)
		if err != nil {
			return invalid(err.Error())
		}
		if !path.IsAbs(dir) {
			dir = path.Join("/", cfg.WorkingDir, dir)
		}
		cfg.WorkingDir = path.Clean(dir)
	case "user":
		if err := needArg(); err != nil {
			return err
		}
		user, err := lx.word(rest)
		if err != nil {
			return invalid(err.Error())
		}
		cfg.User = user
	case "stopsignal":
		if err := needArg(); err != nil {
			return err
		}
		sig, err := lx.word(rest)
		if err != nil {
			return invalid(err.Error())
		}
		cfg.StopSignal = sig
	case "onbuild":
		if err := needArg(); err != nil {
			return err
		}
		cfg.OnBuild = append(cfg.OnBuild, rest)
	case "healthcheck":
		hc, err := healthcheck(rest)
		if err != nil {
			return invalid(err.Error())
		}
		cfg.Healthcheck = hc
	default:
		return errdefs.ErrInvalidArgument.WithMessage(instr + " is not a valid change command")
	}
	return nil
}

// jsonArgs parses the exec form ["a", "b"].
func jsonArgs(s string) ([]string, bool) {
	if !strings.HasPrefix(s, "[") {
		return nil, false
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, false
	}
	return out, true
}

// commandArgs is the exec form of CMD/ENTRYPOINT, or the shell form run by
// shell (default /bin/sh -c).
func commandArgs(s string, shell []string) []string {
	if args, ok := jsonArgs(s); ok {
		return args
	}
	if s == "" {
		return nil
	}
	if len(shell) == 0 {
		shell = []string{"/bin/sh", "-c"}
	}
	return append(append([]string{}, shell...), s)
}

func setEnv(env []string, key, val string) []string {
	for i, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			env[i] = key + "=" + val
			return env
		}
	}
	return append(env, key+"="+val)
}

// keyValues parses "k=v k2='v 2'" or the legacy single pair "k v with spaces".
func keyValues(lx lexer, s string) ([][2]string, error) {
	words, err := lx.words(s)
	if err != nil {
		return nil, err
	}
	if len(words) > 0 && !strings.Contains(words[0], "=") {
		key, val := s, ""
		if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
			key, val = s[:i], strings.TrimSpace(s[i+1:])
		}
		if val == "" {
			return nil, fmt.Errorf("requires at least two arguments")
		}
		k, err := lx.word(key)
		if err != nil {
			return nil, err
		}
		v, err := lx.word(val)
		if err != nil {
			return nil, err
		}
		if k == "" || strings.Contains(k, "=") {
			return nil, fmt.Errorf("invalid name %q", key)
		}
		return [][2]string{{k, v}}, nil
	}
	var out [][2]string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("key=value pairs expected, got %q", w)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// exposedPorts expands "80", "80/udp" or "8000-8002/tcp" to "80/tcp" keys.
func exposedPorts(s string) ([]string, error) {
	ports, proto, _ := strings.Cut(s, "/")
	if proto == "" {
		proto = "tcp"
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		return nil, fmt.Errorf("invalid proto: %s", proto)
	}
	lo, hi, isRange := strings.Cut(ports, "-")
	start, err := strconv.ParseUint(lo, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("invalid containerPort: %s", ports)
	}
	end := start
	if isRange {
		if end, err = strconv.ParseUint(hi, 10, 16); err != nil || end < start {
			return nil, fmt.Errorf("invalid containerPort: %s", ports)
		}
	}
	var out []string
	for p := start; p <= end; p++ {
		out = append(out, strconv.FormatUint(p, 10)+"/"+proto)
	}
	return out, nil
}

// healthcheck parses "NONE" or "[--interval=D] [--timeout=D]
// [--start-period=D] [--start-interval=D] [--retries=N] CMD command".
func healthcheck(s string) (*dockerspec.HealthcheckConfig, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return &dockerspec.HealthcheckConfig{Test: []string{"NONE"}}, nil
	}
	hc := &dockerspec.HealthcheckConfig{}
	for strings.HasPrefix(s, "--") {
		flag, rest, _ := strings.Cut(s, " ")
		s = strings.TrimSpace(rest)
		name, val, ok := strings.Cut(strings.TrimPrefix(flag, "--"), "=")
		if !ok {
			return nil, fmt.Errorf("flag --%s needs a value", name)
		}
		var err error
		switch name {
		case "interval":
			hc.Interval, err = time.ParseDuration(val)
		case "timeout":
			hc.Timeout, err = time.ParseDuration(val)
		case "start-period":
			hc.StartPeriod, err = time.ParseDuration(val)
		case "start-interval":
			hc.StartInterval, err = time.ParseDuration(val)
		case "retries":
			hc.Retries, err = strconv.Atoi(val)
		default:
			return nil, fmt.Errorf("unknown flag: --%s", name)
		}
		if err != nil {
			return nil, fmt.Errorf("invalid value for --%s: %w", name, err)
		}
	}
	kind, cmd, _ := strings.Cut(s, " ")
	if !strings.EqualFold(kind, "cmd") {
		return nil, fmt.Errorf("unknown type %q in HEALTHCHECK (try CMD)", kind)
	}
	cmd = strings.TrimSpace(cmd)
	if args, ok := jsonArgs(cmd); ok {
		hc.Test = append([]string{"CMD"}, args...)
	} else if cmd != "" {
		hc.Test = []string{"CMD-SHELL", cmd}
	} else {
		return nil, fmt.Errorf("missing command after HEALTHCHECK CMD")
	}
	return hc, nil
}
