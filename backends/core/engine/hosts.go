package engine

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// hostsTable is what the engine needs to write each container's
// /etc/hosts without taking the containers' locks: a container's file
// changes when a neighbour on one of its user-defined networks comes or
// goes, and that neighbour's lock may be held at the time.
type hostsTable struct {
	mu   sync.Mutex
	byID map[string]hostsInfo
	// running holds the running containers: only they resolve, as
	// dockerd's embedded DNS answers only for connected endpoints.
	running map[string]bool
	write   sync.Mutex // serialises file writes
}

// hostsInfo is the part of a container's record its /etc/hosts uses.
type hostsInfo struct {
	hostname string
	extra    []string // HostConfig.ExtraHosts, "name:ip"
	// shareWith is the container whose network namespace (and hosts
	// file content) this one shares: NetworkMode "container:<id>".
	shareWith string
	noNetwork bool
	// ip is the container's address on its NetworkMode's network.
	ip string
	// links are the legacy links (HostConfig.Links) to other containers.
	links []hostLink
}

// hostLink is one legacy link: container id, known here as alias.
type hostLink struct{ id, alias string }

// parseLink parses a HostConfig.Links entry: "name:alias", "name", or
// dockerd's stored form "/name:/container/alias".
func parseLink(s string) (name, alias string) {
	name, alias, ok := strings.Cut(s, ":")
	if !ok {
		alias = name
	}
	name = strings.TrimPrefix(name, "/")
	if i := strings.LastIndex(alias, "/"); i >= 0 {
		alias = alias[i+1:]
	}
	return name, alias
}

// checkLinks reports a link to a container that does not exist, as
// dockerd's create (with a 400, so that the CLI does not pull).
func (e *Engine) checkLinks(hc *container.HostConfig) error {
	for _, l := range hc.Links {
		name, alias := parseLink(l)
		if name == "" || alias == "" {
			return errdefs.ErrInvalidArgument.WithMessage("invalid link: " + l)
		}
		if _, err := e.get(name); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage("could not get container for " + name)
		}
	}
	return nil
}

// trackHosts records what r's /etc/hosts needs; r's lock is held or r is
// not yet shared.
func (e *Engine) trackHosts(r *Record) {
	info := hostsInfo{hostname: r.Config.Hostname, extra: slices.Clone(r.HostConfig.ExtraHosts)}
	mode := string(r.HostConfig.NetworkMode)
	if ref, ok := strings.CutPrefix(mode, "container:"); ok {
		if c, err := e.get(ref); err == nil {
			info.shareWith = c.rec.ID // the ID never changes: no lock needed
		}
	}
	info.noNetwork = mode == "none"
	for _, l := range r.HostConfig.Links {
		name, alias := parseLink(l)
		if c, err := e.get(name); err == nil {
			info.links = append(info.links, hostLink{id: c.rec.ID, alias: alias})
		}
	}
	for name, ep := range r.Networks {
		if ep != nil && ep.IPAddress.IsValid() && (info.ip == "" || name == mode) {
			info.ip = ep.IPAddress.String()
		}
	}
	e.hosts.mu.Lock()
	defer e.hosts.mu.Unlock()
	if e.hosts.byID == nil {
		e.hosts.byID = map[string]hostsInfo{}
	}
	e.hosts.byID[r.ID] = info
}

func (e *Engine) untrackHosts(id string) {
	e.hosts.mu.Lock()
	defer e.hosts.mu.Unlock()
	delete(e.hosts.byID, id)
	delete(e.hosts.running, id)
}

// hostsRunning records that container id started or stopped, and
// rewrites the /etc/hosts of its neighbours (and its own at a start).
func (e *Engine) hostsRunning(ctx context.Context, id string, running bool) {
	e.hosts.mu.Lock()
	if e.hosts.running == nil {
		e.hosts.running = map[string]bool{}
	}
	if running {
		e.hosts.running[id] = true
	} else {
		delete(e.hosts.running, id)
	}
	e.hosts.mu.Unlock()
	ids := e.neighbours(id)
	if running {
		ids = append(ids, id)
	}
	e.refreshHosts(ctx, ids...)
	if e.nets != nil {
		e.nets.Announce(ctx, id, running)
	}
}

// EndpointLive reports whether container id's network endpoints are up:
// it runs, as far as name resolution is concerned. It takes no container
// lock, so the network manager may ask while it holds its own.
func (e *Engine) EndpointLive(id string) bool {
	e.hosts.mu.Lock()
	defer e.hosts.mu.Unlock()
	return e.hosts.running[id]
}

// neighbours are the containers whose /etc/hosts names id.
func (e *Engine) neighbours(id string) []string {
	if e.nets == nil {
		return nil
	}
	out := e.nets.Neighbours(id)
	e.hosts.mu.Lock()
	for cid, info := range e.hosts.byID {
		if info.shareWith == id || slices.ContainsFunc(info.links, func(l hostLink) bool { return l.id == id }) {
			out = append(out, cid)
		}
	}
	e.hosts.mu.Unlock()
	return out
}

// refreshHosts rewrites the /etc/hosts of the given containers. A failure
// is logged: the containers keep their previous file.
func (e *Engine) refreshHosts(ctx context.Context, ids ...string) {
	for _, id := range ids {
		if err := e.writeHosts(id); err != nil {
			e.log.Warn().Err(err).Str("container_id", id).Msg("update /etc/hosts")
		}
	}
}

// writeHosts writes container id's /etc/hosts as dockerd would lay it
// out: localhost lines, the container's own address and hostname, its
// extra hosts, and (standing in for dockerd's embedded DNS server, which
// the memory backend has no network to run) one line per container on
// its user-defined networks with its name, aliases and short ID.
func (e *Engine) writeHosts(id string) error {
	e.hosts.mu.Lock()
	info, ok := e.hosts.byID[id]
	owner := id
	if ok && info.shareWith != "" {
		owner = info.shareWith
		if shared, found := e.hosts.byID[owner]; found {
			shared.extra = append(shared.extra, info.extra...)
			info = shared
		}
	}
	running := maps.Clone(e.hosts.running)
	var linked []string
	for _, l := range info.links {
		if target, ok := e.hosts.byID[l.id]; ok && running[l.id] && target.ip != "" {
			linked = append(linked, fmt.Sprintf("%s\t%s %s", target.ip, l.alias, l.id[:min(12, len(l.id))]))
		}
	}
	e.hosts.mu.Unlock()
	if !ok {
		return nil
	}
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")
	for _, h := range info.extra {
		name, ip, ok := strings.Cut(h, ":")
		if !ok {
			name, ip, _ = strings.Cut(h, "=")
		}
		if ip == "host-gateway" {
			ip = "172.17.0.1"
		}
		fmt.Fprintf(&b, "%s\t%s\n", ip, name)
	}
	if e.nets != nil && !info.noNetwork {
		own, peers := "", map[string]bool{}
		var lines []string
		for _, p := range e.nets.Peers(owner) {
			if !p.IPv4.IsValid() || p.ContainerID != owner && !running[p.ContainerID] {
				continue
			}
			ip := p.IPv4.Addr().String()
			names := []string{p.Name}
			for _, a := range append(p.Aliases, p.ContainerID[:min(12, len(p.ContainerID))]) {
				if !slices.Contains(names, a) {
					names = append(names, a)
				}
			}
			line := ip + "\t" + strings.Join(names, " ")
			if p.ContainerID == owner && own == "" {
				own = ip
			}
			if !peers[line] {
				peers[line] = true
				lines = append(lines, line)
			}
		}
		if own == "" {
			own = info.ip
		}
		if own != "" {
			fmt.Fprintf(&b, "%s\t%s\n", own, info.hostname)
		}
		slices.Sort(lines)
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
		for _, l := range linked {
			b.WriteString(l + "\n")
		}
	}
	return e.putHosts(id, []byte(b.String()))
}

// putHosts replaces the container's /etc/hosts. The root's /etc must be
// a real directory: an image that makes it a symlink gets no file, so
// nothing is written outside the root.
func (e *Engine) putHosts(id string, data []byte) error {
	etc := filepath.Join(e.rootFS(id), "etc")
	fi, err := os.Lstat(etc)
	if os.IsNotExist(err) {
		if err := os.Mkdir(etc, 0o755); err != nil {
			return err
		}
	} else if err != nil {
		return err
	} else if !fi.IsDir() {
		return nil
	}
	// The file is derived (rewritten at every start), so it is renamed
	// into place without the store's fsyncs.
	e.hosts.write.Lock()
	defer e.hosts.write.Unlock()
	tmp := filepath.Join(etc, ".hosts.sockerless-tmp")
	_ = os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(etc, "hosts"))
}
