package proc

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
)

// credential turns a Docker user ("uid", "uid:gid", "name", "name:group")
// into the credential to run a process with, looked up in the container's
// /etc/passwd and /etc/group. It returns nil when no change is needed.
func credential(user string) (*syscall.Credential, error) {
	if user == "" {
		return nil, nil
	}
	name, group, hasGroup := strings.Cut(user, ":")
	uid, gid, err := lookup("/etc/passwd", name, true)
	if err != nil {
		return nil, err
	}
	if hasGroup {
		if gid, _, err = lookup("/etc/group", group, false); err != nil {
			return nil, err
		}
	}
	if uid == os.Getuid() && gid == os.Getgid() {
		return nil, nil
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: os.Getuid() != 0}, nil
}

// lookup finds a user (fields name:x:uid:gid) or a group (name:x:gid) by
// name or number. A number that is not in the file is used as it is, as
// runc does; a user number without an entry gets group 0.
func lookup(file, nameOrID string, isUser bool) (id, gid int, err error) {
	n, numErr := strconv.Atoi(nameOrID)
	f, err := os.Open(file)
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ":")
			if len(fields) < 3 || (fields[0] != nameOrID && fields[2] != nameOrID) {
				continue
			}
			id, _ = strconv.Atoi(fields[2])
			if isUser && len(fields) > 3 {
				gid, _ = strconv.Atoi(fields[3])
			}
			return id, gid, nil
		}
	}
	if numErr == nil && n >= 0 {
		return n, 0, nil
	}
	what := "group"
	if isUser {
		what = "user"
	}
	return 0, 0, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("unable to find %s %s: no matching entries in %s file", what, nameOrID, filepath.Base(file)))
}
