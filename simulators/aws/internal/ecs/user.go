package ecs

import (
	"fmt"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// hostUser resolves a container definition's user ("user", "user:group",
// "uid", "uid:gid") for the process runtime, which runs containers as host
// processes: names are the host's. "" is the simulator's own user.
//
// # Notes
//
// ECS resolves names in the image's /etc/passwd; a host process has no
// image, so the host's stands in. Without a group, the user's primary
// group (a bare uid: gid 0, as Docker).
func hostUser(spec string) (*syscall.Credential, error) {
	if spec == "" {
		return nil, nil
	}
	name, group, hasGroup := strings.Cut(spec, ":")
	cred := &syscall.Credential{}
	if uid, err := strconv.ParseUint(name, 10, 32); err == nil {
		cred.Uid = uint32(uid)
	} else {
		u, err := user.Lookup(name)
		if err != nil {
			return nil, fmt.Errorf("unable to find user %s: no matching entries in passwd file", name)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		cred.Uid, cred.Gid = uint32(uid), uint32(gid)
	}
	if !hasGroup {
		return cred, nil
	}
	if gid, err := strconv.ParseUint(group, 10, 32); err == nil {
		cred.Gid = uint32(gid)
		return cred, nil
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return nil, fmt.Errorf("unable to find group %s: no matching entries in group file", group)
	}
	gid, _ := strconv.ParseUint(g.Gid, 10, 32)
	cred.Gid = uint32(gid)
	return cred, nil
}
