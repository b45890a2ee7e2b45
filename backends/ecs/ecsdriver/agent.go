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
	arn, err := d.findTask(ctx, id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	c := d.conns[arn]
	d.mu.Unlock()
	if c != nil && c.Err() == nil {
		return c, nil
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
	if old := d.conns[arn]; old != nil && old.Err() == nil {
		d.mu.Unlock()
		c.Close()
		return old, nil
	}
	d.conns[arn] = c
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
	return client.Dial(ctx, "http://"+addr, d.tokens.Token(id), client.DialOptions{Timeout: 5 * time.Second})
}

// agentAddr is where the agent of tk listens.
func (d *Driver) agentAddr(tk types.Task) string {
	if c, ok := mainOf(tk); ok {
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

// forget drops the agent connection of task arn.
func (d *Driver) forget(arn string) {
	d.mu.Lock()
	c := d.conns[arn]
	delete(d.conns, arn)
	d.mu.Unlock()
	if c != nil {
		c.Close()
	}
}
