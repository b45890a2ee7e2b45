package runners

import (
	"context"
	"regexp"
)

// GitLab runs gitlab-ci-local against a Docker API endpoint, through the
// docker CLI.
type GitLab struct {
	// Bin is the gitlab-ci-local binary.
	Bin string
	// Host is the DOCKER_HOST.
	Host string
	// Image is the default image of jobs that name none.
	Image string
	// Helper is the helper image (no entrypoint, with bash and rsync).
	Helper string
}

// gitlabJobLine matches gitlab-ci-local's line for what a job printed:
// "job > text"; a job name may hold spaces ("build: [amd64,1]").
var gitlabJobLine = regexp.MustCompile(`^(\S.*?) > (.*)$`)

// Run runs the pipeline of p's .gitlab-ci.yml. Every job runs in a
// container (no shell executor on the host); images are never pulled.
func (g GitLab) Run(ctx context.Context, p *Project, _ string) (Result, error) {
	home := p.Dir + "/.home"
	args := []string{"--cwd", ".", "--no-color", "--helper-image", g.Helper,
		"--pull-policy", "if-not-present", "--no-shell-executor-no-image", "--default-image", g.Image,
		"--cleanup", "--max-job-name-padding", "0", "--home", home, "--no-json-schema-validation"}
	env := []string{"DOCKER_HOST=" + g.Host, "HOME=" + home, "FORCE_COLOR=0", "DOCKER_CLI_HINTS=false"}
	return runTool(ctx, p.Dir, env, func(l string) (string, bool) {
		m := gitlabJobLine.FindStringSubmatch(l)
		if m == nil {
			return "", false
		}
		return m[1] + " > " + m[2], true
	}, g.Bin, args...)
}
