package engine

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"

	"github.com/sockerless/sockerless/api/driver"
)

// CreateOptions are a container create request.
type CreateOptions struct {
	// Name is the requested name; empty generates one.
	Name       string
	Config     *container.Config
	HostConfig *container.HostConfig
	Networking *network.NetworkingConfig
}

// Create creates a container: it resolves the image, merges its
// configuration, reserves the name, unpacks the root file system, attaches
// the network, lets the driver prepare and records the container.
func (e *Engine) Create(ctx context.Context, opts CreateOptions) (container.CreateResponse, error) {
	if opts.Config == nil {
		return container.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("config cannot be empty in order to create a container")
	}
	cfg := *opts.Config
	hc := container.HostConfig{}
	if opts.HostConfig != nil {
		hc = *opts.HostConfig
	}
	if err := validate(&cfg, &hc, e.cpus()); err != nil {
		return container.CreateResponse{}, err
	}
	if e.drv.Lifecycle == nil {
		return container.CreateResponse{}, e.unsupportedPlural("containers")
	}
	if cfg.Image == "" {
		return container.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage("config.Image or Image is required")
	}
	img, err := e.images.Resolve(ctx, cfg.Image)
	if err != nil {
		return container.CreateResponse{}, err
	}
	mergeImage(&cfg, img.Config.Config)
	path, args, err := command(&cfg)
	if err != nil {
		return container.CreateResponse{}, err
	}
	if e.nets != nil {
		if err := e.nets.Validate(string(hc.NetworkMode)); err != nil {
			return container.CreateResponse{}, createNotFound(err)
		}
	}
	if err := e.checkLinks(&hc); err != nil {
		return container.CreateResponse{}, err
	}
	id := newID()
	mounts, err := e.mounts(id, &cfg, &hc)
	if err != nil {
		return container.CreateResponse{}, err
	}
	if hc.NetworkMode == "" {
		hc.NetworkMode = "bridge"
	}
	if hc.Runtime == "" {
		// dockerd records its default runtime ("runc"); ours is the
		// backend, which /info lists as the only runtime.
		hc.Runtime = e.drv.Name
	}
	if hc.LogConfig.Type == "" {
		// The core keeps output as dockerd's json-file driver does;
		// docker-py reads logs only for json-file and journald.
		hc.LogConfig.Type = "json-file"
	}
	switch hc.LogConfig.Type {
	case "json-file", "local", "none":
	default:
		return container.CreateResponse{}, errdefs.ErrInvalidArgument.WithMessage(
			fmt.Sprintf("failed to create task for container: logger: no log driver named '%s' is registered", hc.LogConfig.Type))
	}
	if hc.LogConfig.Config == nil {
		hc.LogConfig.Config = map[string]string{}
	}
	if hc.RestartPolicy.Name == "" {
		hc.RestartPolicy.Name = container.RestartPolicyDisabled
	}

	if cfg.Hostname == "" {
		cfg.Hostname = id[:12]
	}
	name, err := e.claimName(id, opts.Name)
	if err != nil {
		return container.CreateResponse{}, err
	}
	r := Record{ID: id, Name: name, Created: e.now().UTC(), Path: path, Args: args, Config: &cfg, HostConfig: &hc,
		ImageID: img.ID, Mounts: mounts, State: State{Status: StatusCreated}}
	c := newContainer(r)
	if err := e.prepare(ctx, c, opts.Networking); err != nil {
		e.mu.Lock()
		delete(e.names, name)
		e.mu.Unlock()
		return container.CreateResponse{}, err
	}
	e.mu.Lock()
	e.byID[id] = c
	e.mu.Unlock()
	c.mu.Lock()
	e.event(ctx, c, mevents.ActionCreate, nil)
	c.mu.Unlock()
	e.refreshHosts(ctx, e.neighbours(id)...)
	zerologCtx(ctx).Debug().Str("container_id", id).Str("name", name).Msg("container created")
	return container.CreateResponse{ID: id, Warnings: []string{}}, nil
}

// claimName validates or generates the container's name and reserves it.
func (e *Engine) claimName(id, requested string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return "", errdefs.ErrUnavailable.WithMessage("the backend is shutting down")
	}
	if requested == "" {
		name := e.generateName()
		e.names[name] = id
		return name, nil
	}
	name, err := checkName(requested)
	if err != nil {
		return "", err
	}
	return name, e.reserveName(name, id)
}

// prepare does the work of create that can fail, undoing it on failure.
func (e *Engine) prepare(ctx context.Context, c *Container, nc *network.NetworkingConfig) (err error) {
	r := &c.rec
	dir := e.containerDir(r.ID)
	defer func() {
		if err != nil {
			if e.nets != nil {
				e.nets.Release(context.WithoutCancel(ctx), r.ID)
			}
			if e.vols != nil {
				_ = e.vols.Release(context.WithoutCancel(ctx), r.ID, true)
			}
			e.untrackHosts(r.ID)
			os.RemoveAll(dir)
		}
	}()
	if err := os.MkdirAll(e.rootFS(r.ID), 0o755); err != nil {
		return fmt.Errorf("create container directory: %w", err)
	}
	if err := e.images.Unpack(ctx, r.ImageID, e.rootFS(r.ID)); err != nil {
		return fmt.Errorf("unpack image %s: %w", r.ImageID, err)
	}
	if err := e.acquire(ctx, r); err != nil {
		return err
	}
	if e.nets != nil {
		if err := e.attachNetworks(ctx, r, nc); err != nil {
			return err
		}
		if err := e.connect(ctx, r); err != nil {
			return err
		}
	}
	e.trackHosts(r)
	if err := e.writeHosts(r.ID); err != nil {
		return fmt.Errorf("write /etc/hosts: %w", err)
	}
	if err := e.drv.Lifecycle.Create(ctx, e.spec(c)); err != nil {
		if errors.Is(err, driver.ErrUnsupported) {
			return e.unsupported("creating containers")
		}
		return fmt.Errorf("driver create: %w", err)
	}
	c.prepared = true
	if err := e.persist(c); err != nil {
		_ = e.drv.Lifecycle.Remove(context.WithoutCancel(ctx), r.ID)
		return err
	}
	return nil
}

// prepareDriver runs the driver's Create for a container recovered from
// disk, once per daemon life; c.mu is held.
func (e *Engine) prepareDriver(ctx context.Context, c *Container) error {
	if c.prepared {
		return nil
	}
	// A recovered container's driver learns its endpoints again (a
	// cloud driver keeps them in memory).
	if e.nets != nil {
		if err := e.connect(ctx, &c.rec); err != nil {
			return err
		}
	}
	if err := e.drv.Lifecycle.Create(ctx, e.spec(c)); err != nil {
		if errors.Is(err, driver.ErrUnsupported) {
			return e.unsupported("creating containers")
		}
		return fmt.Errorf("driver create: %w", err)
	}
	c.prepared = true
	return nil
}

// connect tells a driver that can really network about the endpoints the
// IPAM bookkeeping gave the container; without one, the addresses are
// bookkeeping only.
func (e *Engine) connect(ctx context.Context, r *Record) error {
	if e.drv.Network == nil {
		return nil
	}
	for name := range r.Networks {
		if err := e.connectOne(ctx, r, name); err != nil {
			return err
		}
	}
	return nil
}

// connectOne tells the driver about r's endpoint on network name.
func (e *Engine) connectOne(ctx context.Context, r *Record, name string) error {
	ep := r.Networks[name]
	if e.drv.Network == nil || ep == nil {
		return nil
	}
	dep := driver.Endpoint{NetworkID: ep.NetworkID, NetworkName: name, Aliases: ep.Aliases, MacAddress: ep.MacAddress.String()}
	if ep.IPAddress.IsValid() {
		dep.IPAddress, dep.Gateway = ep.IPAddress.String(), ep.Gateway.String()
	}
	if err := e.drv.Network.Connect(ctx, r.ID, dep); err != nil && !errors.Is(err, driver.ErrUnsupported) {
		return fmt.Errorf("connect to network %s: %w", name, err)
	}
	return nil
}
