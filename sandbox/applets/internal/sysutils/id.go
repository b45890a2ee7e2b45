package sysutils

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sockerless/sockerless/sandbox/applets/internal/applet"
)

// identity is who the process runs as, from SOCKERLESS_UID/GID and the
// container's /etc/passwd and /etc/group.
type identity struct {
	uid, gid    int
	user, group string
	knownUser   bool
	knownGroup  bool
	groups      []int
	names       map[int]string
}

func lookupIdentity(e *applet.Env) identity {
	uid, gid := e.Credentials()
	return identityOf(uid, gid)
}

// identityOf is the identity of uid and gid, named from the container's
// /etc/passwd and /etc/group.
func identityOf(uid, gid int) identity {
	id := identity{uid: uid, gid: gid, user: strconv.Itoa(uid), group: strconv.Itoa(gid), names: map[int]string{}}
	for _, u := range applet.ReadPasswd("/etc/passwd") {
		if u.ID == uid {
			id.user, id.knownUser = u.Name, true
			break
		}
	}
	for _, g := range applet.ReadPasswd("/etc/group") {
		if _, ok := id.names[g.ID]; !ok {
			id.names[g.ID] = g.Name
		}
		if g.ID == gid {
			id.group, id.knownGroup = g.Name, true
		}
		for _, m := range g.Members {
			if m == id.user && g.ID != gid {
				id.groups = append(id.groups, g.ID)
			}
		}
	}
	return id
}

func (id identity) groupName(g int) string {
	if n, ok := id.names[g]; ok {
		return n
	}
	return strconv.Itoa(g)
}

// Id prints user and group ids: id [-ugGnr] [USER]
//
// Supplementary groups are the container's /etc/group memberships of the
// user, which is what a container runtime's initgroups gives a process.
func Id(e *applet.Env) int {
	o, args, err := e.Getopt("ugGnr", "user=u", "group=g", "groups=G", "name=n", "real=r")
	if err != nil {
		return 1
	}
	var id identity
	switch {
	case len(args) > 1:
		return e.ShowUsage()
	case len(args) == 1:
		u, ok := findUser(args[0])
		if !ok {
			return e.Fail("unknown user %s", args[0])
		}
		id = identityOf(u.ID, u.GID)
	default:
		id = lookupIdentity(e)
	}
	all := append([]int{id.gid}, id.groups...)
	show := func(n int, name string) string {
		if o.Has("n") {
			return name
		}
		return strconv.Itoa(n)
	}
	switch {
	case o.Has("u"):
		fmt.Fprintln(e.Stdout, show(id.uid, id.user))
	case o.Has("g"):
		fmt.Fprintln(e.Stdout, show(id.gid, id.group))
	case o.Has("G"):
		var parts []string
		for _, g := range all {
			parts = append(parts, show(g, id.groupName(g)))
		}
		fmt.Fprintln(e.Stdout, strings.Join(parts, " "))
	default:
		// As busybox: a name in parentheses only where the container's
		// files have one, and the groups always, the primary first.
		named := func(n int, name string, known bool) string {
			if known {
				return fmt.Sprintf("%d(%s)", n, name)
			}
			return strconv.Itoa(n)
		}
		var parts []string
		for _, g := range all {
			_, known := id.names[g]
			parts = append(parts, named(g, id.groupName(g), known))
		}
		fmt.Fprintf(e.Stdout, "uid=%s gid=%s groups=%s\n", named(id.uid, id.user, id.knownUser),
			named(id.gid, id.group, id.knownGroup), strings.Join(parts, ","))
	}
	return 0
}

// Whoami prints the user name: whoami
func Whoami(e *applet.Env) int {
	id := lookupIdentity(e)
	if !id.knownUser {
		return e.Fail("unknown uid %d", id.uid)
	}
	fmt.Fprintln(e.Stdout, id.user)
	return 0
}

// Groups prints the group names of the user: groups
func Groups(e *applet.Env) int {
	id := lookupIdentity(e)
	var parts []string
	for _, g := range append([]int{id.gid}, id.groups...) {
		parts = append(parts, id.groupName(g))
	}
	fmt.Fprintln(e.Stdout, strings.Join(parts, " "))
	return 0
}

// findUser looks name up in /etc/passwd by name (busybox's id takes no
// numeric uid).
func findUser(name string) (applet.PasswdEntry, bool) {
	for _, u := range applet.ReadPasswd("/etc/passwd") {
		if u.Name == name {
			return u, true
		}
	}
	return applet.PasswdEntry{}, false
}
