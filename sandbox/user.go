package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
)

// user is who a process runs as.
type user struct {
	name     string
	uid, gid int
	home     string
}

// lookupUser resolves Docker's --user forms ("", "name", "uid",
// "name:group", "uid:gid") in the container's /etc/passwd and /etc/group.
// A numeric uid needs no entry, as in Docker.
func (c *Container) lookupUser(spec string) (*user, error) {
	if spec == "" {
		spec = "0"
	}
	name, group, hasGroup := strings.Cut(spec, ":")
	u := &user{name: name, home: "/"}
	entries := c.readDB("/etc/passwd")
	uid, err := strconv.Atoi(name)
	found := false
	for _, e := range entries {
		if len(e) < 7 {
			continue
		}
		eu, _ := strconv.Atoi(e[2])
		if (err == nil && eu == uid) || (err != nil && e[0] == name) {
			u.name, u.uid, u.home = e[0], eu, e[5]
			u.gid, _ = strconv.Atoi(e[3])
			found = true
			break
		}
	}
	switch {
	case !found && err != nil:
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to find user %s: no matching entries in passwd file", name))
	case !found:
		u.uid, u.gid = uid, uid
		if uid == 0 {
			u.name = "root"
			u.home = "/root"
		}
	}
	if hasGroup {
		gid, err := strconv.Atoi(group)
		if err != nil {
			gid = -1
			for _, e := range c.readDB("/etc/group") {
				if len(e) >= 3 && e[0] == group {
					gid, _ = strconv.Atoi(e[2])
				}
			}
			if gid < 0 {
				return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to find group %s: no matching entries in group file", group))
			}
		}
		u.gid = gid
	}
	return u, nil
}

// readDB reads a colon-separated database file of the container.
func (c *Container) readDB(cpath string) [][]string {
	res, err := c.fs.Resolve(cpath, true)
	if err != nil {
		return nil
	}
	f, err := os.Open(res.Host)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, strings.Split(line, ":"))
		}
	}
	return out
}
