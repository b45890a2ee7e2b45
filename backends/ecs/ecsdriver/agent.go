package ecsdriver

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/agent/client"
)

// agentWait bounds how long a call waits for a just-started task's agent
// to listen.
const agentWait = 30 * time.Second

// conn returns the agent connection of container id, dialing it when there
// is none: the agent of the container's running task, at the address its
// port binding reports (the simulator) or at the task's private IP.
func (d *Driver) conn(ctx context.Context, id string) (*client.Conn, error) {
	at, err := d.findTask(ctx, id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	c := d.conns[at.connKey()]
	d.mu.Unlock()
	if c != nil && c.Err() == nil {
		return c, nil
	}
	ctx, cancel := context.WithTimeout(ctx, agentWait)
	defer cancel()
	for {
		c, err = d.dial(ctx, id, at)
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
	if old := d.conns[at.connKey()]; old != nil && old.Err() == nil {
		d.mu.Unlock()
		c.Close()
		return old, nil
	}
	d.conns[at.connKey()] = c
	d.mu.Unlock()
	return c, nil
}

// dial makes one attempt at reaching the agent of container id where it
// runs; Unavailable means the task is not running yet or its agent does
// not listen yet.
func (d *Driver) dial(ctx context.Context, id string, at placement) (*client.Conn, error) {
	tk, err := d.describe(ctx, at.arn)
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
	if c, ok := containerOf(tk, at.container); ok && aws.ToString(c.LastStatus) == "STOPPED" {
		return nil, errdefs.ErrConflict.WithMessage("ecs backend: the container " + id + " has stopped in its pod's task")
	}
	addr := agentAddr(tk, at)
	if addr == "" {
		return nil, errdefs.ErrUnavailable.WithMessage("ecs backend: the task of container " + id + " has no address yet")
	}
	return client.Dial(ctx, "http://"+addr, d.tokens.Token(id), client.DialOptions{Timeout: 5 * time.Second})
}

// agentAddr is where the agent of the container at runs in task tk
// listens: at the port binding of its agent port (the simulator), else at
// the task's private IP.
func agentAddr(tk types.Task, at placement) string {
	c, ok := containerOf(tk, at.container)
	if !ok {
		return ""
	}
	for _, b := range c.NetworkBindings {
		if aws.ToInt32(b.ContainerPort) == int32(at.port) && aws.ToInt32(b.HostPort) > 0 {
			ip := aws.ToString(b.BindIP)
			if ip == "" || ip == "0.0.0.0" {
				ip = "127.0.0.1"
			}
			return net.JoinHostPort(ip, strconv.Itoa(int(aws.ToInt32(b.HostPort))))
		}
	}
	for _, ni := range c.NetworkInterfaces {
		if ip := aws.ToString(ni.PrivateIpv4Address); ip != "" {
			return net.JoinHostPort(ip, strconv.Itoa(at.port))
		}
	}
	return ""
}

// forget drops the agent connection of the container at runs.
func (d *Driver) forget(at placement) {
	d.mu.Lock()
	c := d.conns[at.connKey()]
	delete(d.conns, at.connKey())
	d.mu.Unlock()
	if c != nil {
		c.Close()
	}
}
