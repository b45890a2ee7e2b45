package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/api/driver"
)

// attachNetworks connects a new container to its NetworkMode's network
// and to the other networks of its NetworkingConfig (API 1.44+ accepts
// several), with each endpoint's aliases and static address.
func (e *Engine) attachNetworks(ctx context.Context, r *Record, nc *network.NetworkingConfig) error {
	r.Networks = map[string]*network.EndpointSettings{}
	mode := string(r.HostConfig.NetworkMode)
	if strings.HasPrefix(mode, "container:") {
		return nil
	}
	if mode == "" || mode == "default" {
		mode = "bridge"
	}
	var cfgs map[string]*network.EndpointSettings
	if nc != nil {
		cfgs = nc.EndpointsConfig
	}
	primary := cfgs[mode]
	if primary == nil {
		primary = cfgs[string(r.HostConfig.NetworkMode)]
	}
	name, ep, err := e.nets.Connect(ctx, r.ID, r.Name[1:], mode, primary)
	if err != nil {
		return createNotFound(err)
	}
	r.Networks[name] = ep
	for ref, cfg := range cfgs {
		if ref == "" || ref == "default" {
			ref = "bridge"
		}
		if ref == mode || ref == name || strings.HasPrefix(ep.NetworkID, ref) {
			continue
		}
		if mode == "host" || mode == "none" {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("container cannot be connected to network %s: it uses the %s network", ref, mode))
		}
		n, ep, err := e.nets.Connect(ctx, r.ID, r.Name[1:], ref, cfg)
		if err != nil {
			return createNotFound(err)
		}
		r.Networks[n] = ep
	}
	return nil
}

// ConnectNetwork connects container ref to network netRef, as POST
// /networks/{id}/connect.
func (e *Engine) ConnectNetwork(ctx context.Context, netRef, ref string, cfg *network.EndpointSettings) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	c.mu.Lock()
	r := &c.rec
	if c.removed || c.removing {
		c.mu.Unlock()
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("removal of container %s is already in progress", r.ID))
	}
	switch mode := string(r.HostConfig.NetworkMode); {
	case mode == "host" || netRef == "host":
		c.mu.Unlock()
		return errdefs.ErrInvalidArgument.WithMessage("container cannot be disconnected from host network or connected to host network")
	case mode == "none" || strings.HasPrefix(mode, "container:"):
		c.mu.Unlock()
		return errdefs.ErrInvalidArgument.WithMessage("container sharing network namespace with another container or host cannot be connected to any other network")
	}
	name, ep, err := e.nets.Connect(ctx, r.ID, r.Name[1:], netRef, cfg)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	if r.Networks == nil {
		r.Networks = map[string]*network.EndpointSettings{}
	}
	r.Networks[name] = ep
	if err := e.connectOne(ctx, r, name); err != nil {
		delete(r.Networks, name)
		_, _ = e.nets.Disconnect(ctx, r.ID, name)
		c.mu.Unlock()
		return err
	}
	e.trackHosts(r)
	c.notify()
	err = e.persist(c)
	c.mu.Unlock()
	e.refreshHosts(ctx, append(e.neighbours(r.ID), r.ID)...)
	return err
}

// DisconnectNetwork disconnects container ref from network netRef, as
// POST /networks/{id}/disconnect. force allows a container that no longer
// exists, as dockerd does for stale endpoints.
func (e *Engine) DisconnectNetwork(ctx context.Context, netRef, ref string, force bool) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	c.mu.Lock()
	r := &c.rec
	if string(r.HostConfig.NetworkMode) == "host" || netRef == "host" {
		c.mu.Unlock()
		return errdefs.ErrInvalidArgument.WithMessage("container cannot be disconnected from host network or connected to host network")
	}
	neighbours := e.nets.Neighbours(r.ID)
	name, err := e.nets.Disconnect(ctx, r.ID, netRef)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	ep := r.Networks[name]
	delete(r.Networks, name)
	if e.drv.Network != nil && ep != nil {
		if err := e.drv.Network.Disconnect(ctx, r.ID, ep.NetworkID); err != nil && !errdefs.IsNotFound(err) && !isUnsupported(err) {
			e.log.Warn().Err(err).Str("container_id", r.ID).Msg("driver disconnect")
		}
	}
	e.trackHosts(r)
	c.notify()
	err = e.persist(c)
	c.mu.Unlock()
	e.refreshHosts(ctx, append(neighbours, r.ID)...)
	return err
}

// ForgetNetwork drops the endpoint container ref had on a network that
// was removed while the container was stopped, as dockerd: the network
// is gone from its NetworkSettings.
func (e *Engine) ForgetNetwork(ctx context.Context, networkID, ref string) {
	c, err := e.get(ref)
	if err != nil {
		return
	}
	c.mu.Lock()
	for name, ep := range c.rec.Networks {
		if ep != nil && ep.NetworkID == networkID {
			delete(c.rec.Networks, name)
		}
	}
	c.notify()
	if err := e.persist(c); err != nil {
		e.log.Warn().Err(err).Str("container_id", c.rec.ID).Msg("forget removed network")
	}
	c.mu.Unlock()
	e.refreshHosts(ctx, c.rec.ID)
}

// createNotFound turns a missing network or container named by a create
// request into a 400 with the same message: a 404 from create makes the
// docker CLI pull the image. (dockerd accepts the create and fails the
// start with the 404; the client sees the same text.)
func createNotFound(err error) error {
	if errdefs.IsNotFound(err) {
		return errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	return err
}

func isUnsupported(err error) bool { return errors.Is(err, driver.ErrUnsupported) }
