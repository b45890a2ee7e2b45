package ecsdriver

import (
	"context"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/agent/client"
	"github.com/sockerless/sockerless/api/driver"
)

// agentWait bounds how long a call waits for a just-started task's agent
// to listen.
const agentWait = 30 * time.Second

// conn returns the agent connection of container id, dialing it when there
// is none: the agent of the container's running task, at the address its
// port binding reports (the simulator) or at the task's private IP.
func (d *Driver) conn(ctx context.Context, id string) (*client.Conn, error) {
	d.mu.Lock()
	c := d.conns[id]
	d.mu.Unlock()
	if c != nil && c.Err() == nil {
		return c, nil
	}
	arn, err := d.findTask(ctx, id)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, agentWait)
	defer cancel()
	for {
		c, err = d.dial(ctx, id, arn)
		if err == nil {
			break
		}
		if !errdefs.IsUnavailable(err) || ctx.Err() != nil {
			return nil, err
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return nil, err
		}
	}
	d.mu.Lock()
	if old := d.conns[id]; old != nil && old.Err() == nil {
		d.mu.Unlock()
		c.Close()
		return old, nil
	}
	d.conns[id] = c
	d.mu.Unlock()
	return c, nil
}

// dial makes one attempt at reaching task arn's agent; Unavailable means
// the task is not running yet or its agent does not listen yet.
func (d *Driver) dial(ctx context.Context, id, arn string) (*client.Conn, error) {
	tk, err := d.describe(ctx, arn)
	if err != nil {
		return nil, err
	}
	switch st := aws.ToString(tk.LastStatus); st {
	case "RUNNING":
	case "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED":
		return nil, errdefs.ErrConflict.WithMessage("ecs backend: the task of container " + id + " is " + st)
	default:
		return nil, errdefs.ErrUnavailable.WithMessage("ecs backend: the task of container " + id + " is " + st)
	}
	addr := d.agentAddr(tk)
	if addr == "" {
		return nil, errdefs.ErrUnavailable.WithMessage("ecs backend: the task of container " + id + " has no address yet")
	}
	return client.Dial(ctx, "http://"+addr, d.tokens.token(id), client.DialOptions{Timeout: 5 * time.Second})
}

// agentAddr is where the agent of tk listens.
func (d *Driver) agentAddr(tk types.Task) string {
	for _, c := range tk.Containers {
		if aws.ToString(c.Name) != mainContainer {
			continue
		}
		for _, b := range c.NetworkBindings {
			if aws.ToInt32(b.ContainerPort) == int32(d.cfg.AgentPort) && aws.ToInt32(b.HostPort) > 0 {
				ip := aws.ToString(b.BindIP)
				if ip == "" || ip == "0.0.0.0" {
					ip = "127.0.0.1"
				}
				return net.JoinHostPort(ip, strconv.Itoa(int(aws.ToInt32(b.HostPort))))
			}
		}
		for _, ni := range c.NetworkInterfaces {
			if ip := aws.ToString(ni.PrivateIpv4Address); ip != "" {
				return net.JoinHostPort(ip, strconv.Itoa(d.cfg.AgentPort))
			}
		}
	}
	return ""
}

// forget drops container id's agent connection.
func (d *Driver) forget(id string) {
	d.mu.Lock()
	c := d.conns[id]
	delete(d.conns, id)
	d.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// Exec implements [driver.Exec] through the agent.
func (d *Driver) Exec(ctx context.Context, id string, p driver.Process, s driver.Streams, started func(int)) (int, error) {
	c, err := d.conn(ctx, id)
	if err != nil {
		return 0, err
	}
	spec := client.ExecSpec{Args: p.Args, Env: p.Env, WorkingDir: p.WorkingDir, User: p.User, TTY: p.TTY}
	return c.Exec(ctx, spec, clientStreams(ctx, s), started)
}

// clientStreams adapts the core's streams to the agent client's.
func clientStreams(ctx context.Context, s driver.Streams) client.Streams {
	cs := client.Streams{Stdin: s.Stdin, Stdout: s.Stdout, Stderr: s.Stderr}
	if s.Resize != nil {
		ch := make(chan client.Size, 1)
		go func() {
			for {
				select {
				case sz, ok := <-s.Resize:
					if !ok {
						return
					}
					select {
					case ch <- client.Size{Height: uint16(sz.Height), Width: uint16(sz.Width)}:
					case <-ctx.Done():
						return
					}
				case <-ctx.Done():
					return
				}
			}
		}()
		cs.Resize = ch
	}
	return cs
}

// Resize implements [driver.Resizer] for the main process's terminal.
func (d *Driver) Resize(ctx context.Context, id string, size driver.TermSize) error {
	c, err := d.conn(ctx, id)
	if err != nil {
		return err
	}
	return c.Resize(ctx, uint16(size.Height), uint16(size.Width))
}

// StatPath implements [driver.Filesystem] through the agent.
func (d *Driver) StatPath(ctx context.Context, id, path string) (driver.PathStat, error) {
	c, err := d.conn(ctx, id)
	if err != nil {
		return driver.PathStat{}, err
	}
	st, err := c.Stat(ctx, path)
	return pathStat(st), err
}

// GetArchive implements [driver.Filesystem] through the agent.
func (d *Driver) GetArchive(ctx context.Context, id, path string) (io.ReadCloser, driver.PathStat, error) {
	c, err := d.conn(ctx, id)
	if err != nil {
		return nil, driver.PathStat{}, err
	}
	rc, st, err := c.GetArchive(ctx, path)
	return rc, pathStat(st), err
}

// PutArchive implements [driver.Filesystem] through the agent.
func (d *Driver) PutArchive(ctx context.Context, id, path string, r io.Reader, opts driver.ArchiveOptions) error {
	c, err := d.conn(ctx, id)
	if err != nil {
		return err
	}
	return c.PutArchive(ctx, path, r, client.PutOptions{NoOverwriteDirNonDir: opts.NoOverwriteDirNonDir, CopyUIDGID: opts.CopyUIDGID})
}

// Export implements [driver.Filesystem]: a task's root file system cannot
// be read whole through ECS.
func (d *Driver) Export(ctx context.Context, id string) (io.ReadCloser, error) {
	return nil, driver.ErrUnsupported
}

// Changes implements [driver.Filesystem]: the image's layers are not at
// hand to compare with.
func (d *Driver) Changes(ctx context.Context, id string) ([]driver.Change, error) {
	return nil, driver.ErrUnsupported
}

func pathStat(st client.Stat) driver.PathStat {
	return driver.PathStat{Name: st.Name, Size: st.Size, Mode: st.Mode, Mtime: st.Mtime, LinkTarget: st.LinkTarget}
}
