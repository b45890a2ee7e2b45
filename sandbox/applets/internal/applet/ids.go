package applet

import (
	"bufio"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// IDNames maps uids and gids to names from the container's /etc/passwd and
// /etc/group.
type IDNames struct {
	users, groups map[int]string
}

// LoadIDNames reads /etc/passwd and /etc/group; missing files give no names.
func LoadIDNames() *IDNames {
	n := &IDNames{users: map[int]string{}, groups: map[int]string{}}
	for _, u := range ReadPasswd("/etc/passwd") {
		if _, ok := n.users[u.ID]; !ok {
			n.users[u.ID] = u.Name
		}
	}
	for _, g := range ReadPasswd("/etc/group") {
		if _, ok := n.groups[g.ID]; !ok {
			n.groups[g.ID] = g.Name
		}
	}
	return n
}

// User returns the name of uid, or the number.
func (n *IDNames) User(uid int) string {
	if s, ok := n.users[uid]; ok {
		return s
	}
	return strconv.Itoa(uid)
}

// Group returns the name of gid, or the number.
func (n *IDNames) Group(gid int) string {
	if s, ok := n.groups[gid]; ok {
		return s
	}
	return strconv.Itoa(gid)
}

// PasswdEntry is one line of /etc/passwd or /etc/group: the name, the
// numeric id, the primary gid (passwd) and the member list (group).
type PasswdEntry struct {
	Name    string
	ID      int
	GID     int
	Members []string
}

// ReadPasswd parses an /etc/passwd or /etc/group style file.
func ReadPasswd(name string) []PasswdEntry {
	f, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []PasswdEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 3 {
			continue
		}
		id, err := strconv.Atoi(fields[2])
		if err != nil {
			continue
		}
		ent := PasswdEntry{Name: fields[0], ID: id, GID: -1}
		if len(fields) >= 4 {
			if g, err := strconv.Atoi(fields[3]); err == nil {
				ent.GID = g
			} else if fields[3] != "" {
				ent.Members = strings.Split(fields[3], ",")
			}
		}
		out = append(out, ent)
	}
	return out
}

// Credentials returns the uid and gid the process runs as: the sandbox
// runtime passes them in SOCKERLESS_UID and SOCKERLESS_GID (default 0).
func (e *Env) Credentials() (uid, gid int) {
	uid, _ = strconv.Atoi(e.SysGetenv("SOCKERLESS_UID"))
	gid, _ = strconv.Atoi(e.SysGetenv("SOCKERLESS_GID"))
	return uid, gid
}

// Umask returns the file mode creation mask: the runtime passes the
// shell's in SOCKERLESS_UMASK (octal); without it, 022.
func (e *Env) Umask() fs.FileMode {
	if m, err := strconv.ParseUint(e.SysGetenv("SOCKERLESS_UMASK"), 8, 32); err == nil {
		return fs.FileMode(m) & 0o777
	}
	return 0o022
}
