package runners

import (
	"context"
	"regexp"
)

// Act runs nektos/act against a Docker API endpoint.
type Act struct {
	// Bin is the act binary.
	Bin string
	// Host is the DOCKER_HOST.
	Host string
	// Image is the image act runs ubuntu-latest jobs in.
	Image string
	// DaemonSocket, when set, is act's --container-daemon-socket: "-"
	// binds no daemon socket into job containers (a cloud backend's
	// tasks cannot see the host).
	DaemonSocket string
}

// actJobLine matches act's line for what a step printed:
// "[workflow/job]   | text".
var actJobLine = regexp.MustCompile(`^\[[^\]]*\]\s+\| (.*)$`)

// Run runs the push event of workflow (a path relative to p) in p. act
// never pulls (--pull=false: the images are local), starts no cache server
// (its default address, 192.0.2.2, is not on this host), and removes its
// containers and volumes after a failed run too (--rm). It binds the
// daemon's socket into job containers, as by default, unless DaemonSocket
// says otherwise.
func (a Act) Run(ctx context.Context, p *Project, workflow string) (Result, error) {
	home := p.Dir + "/.home"
	args := []string{"push", "-W", workflow, "-P", "ubuntu-latest=" + a.Image,
		"--pull=false", "--no-cache-server", "--rm",
		"--action-cache-path", home + "/act-cache"}
	if a.DaemonSocket != "" {
		args = append(args, "--container-daemon-socket", a.DaemonSocket)
	}
	env := []string{"DOCKER_HOST=" + a.Host, "HOME=" + home, "XDG_CONFIG_HOME=" + home + "/.config",
		"XDG_CACHE_HOME=" + home + "/.cache", "NO_COLOR=1"}
	return runTool(ctx, p.Dir, env, func(l string) (string, bool) {
		m := actJobLine.FindStringSubmatch(l)
		if m == nil {
			return "", false
		}
		return m[1], true
	}, a.Bin, args...)
}
