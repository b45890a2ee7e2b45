package engine

import (
	"context"
	"fmt"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	mevents "github.com/moby/moby/api/types/events"

	"github.com/sockerless/sockerless/api/driver"
)

// Pause freezes container ref through the driver's [driver.Pauser].
func (e *Engine) Pause(ctx context.Context, ref string) error {
	return e.setPaused(ctx, ref, true)
}

// Unpause thaws container ref.
func (e *Engine) Unpause(ctx context.Context, ref string) error {
	return e.setPaused(ctx, ref, false)
}

func (e *Engine) setPaused(ctx context.Context, ref string, pause bool) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	p, ok := e.drv.Extra.(driver.Pauser)
	if !ok {
		if pause {
			return e.unsupported("pause")
		}
		return e.unsupported("unpause")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.rec.State
	switch {
	case c.task == nil:
		return notRunning(c.rec.ID)
	case pause && st.Status == StatusPaused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is already paused", c.rec.ID))
	case !pause && st.Status != StatusPaused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is not paused", c.rec.ID))
	}
	action := mevents.ActionPause
	if pause {
		err = p.Pause(ctx, c.rec.ID)
		st.Status = StatusPaused
	} else {
		err = p.Unpause(ctx, c.rec.ID)
		st.Status, action = StatusRunning, mevents.ActionUnPause
	}
	if err != nil {
		return fmt.Errorf("%s container %s: %w", action, c.rec.ID, err)
	}
	e.event(ctx, c, action, nil)
	return e.setState(c, st)
}

// Rename gives container ref a new name.
func (e *Engine) Rename(ctx context.Context, ref, newName string) error {
	c, err := e.get(ref)
	if err != nil {
		return err
	}
	if newName == "" {
		return errdefs.ErrInvalidArgument.WithMessage("Neither old nor new names may be empty")
	}
	name, err := checkName(newName)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed || c.removing {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("removal of container %s is already in progress", c.rec.ID))
	}
	old := c.rec.Name
	if old == name {
		return errdefs.ErrInvalidArgument.WithMessage("Renaming a container with the same name as its current name")
	}
	e.mu.Lock()
	if err := e.reserveName(name, c.rec.ID); err != nil {
		e.mu.Unlock()
		return err
	}
	delete(e.names, old)
	e.mu.Unlock()
	c.rec.Name = name
	if err := e.persist(c); err != nil {
		c.rec.Name = old
		e.mu.Lock()
		delete(e.names, name)
		e.names[old] = c.rec.ID
		e.mu.Unlock()
		return err
	}
	if e.nets != nil {
		e.nets.Rename(c.rec.ID, name[1:])
		e.refreshHosts(ctx, append(e.neighbours(c.rec.ID), c.rec.ID)...)
	}
	e.event(ctx, c, mevents.ActionRename, map[string]string{"oldName": old})
	return nil
}

// Update changes container ref's restart policy and records its resources.
// Resource limits are recorded, not enforced: drivers read them from the
// spec at the next start.
func (e *Engine) Update(ctx context.Context, ref string, u container.UpdateConfig) (container.UpdateResponse, error) {
	c, err := e.get(ref)
	if err != nil {
		return container.UpdateResponse{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	hc := *c.rec.HostConfig
	if u.RestartPolicy.Name != "" {
		if err := container.ValidateRestartPolicy(u.RestartPolicy); err != nil {
			return container.UpdateResponse{}, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		if hc.AutoRemove && !u.RestartPolicy.IsNone() {
			return container.UpdateResponse{}, errdefs.ErrInvalidArgument.WithMessage("Restart policy cannot be updated because AutoRemove is enabled for the container")
		}
		hc.RestartPolicy = u.RestartPolicy
	}
	mergeResources(&hc.Resources, u.Resources)
	old := c.rec.HostConfig
	c.rec.HostConfig = &hc
	if err := e.persist(c); err != nil {
		c.rec.HostConfig = old
		return container.UpdateResponse{}, err
	}
	e.event(ctx, c, mevents.ActionUpdate, nil)
	return container.UpdateResponse{Warnings: []string{}}, nil
}

// mergeResources copies the fields of u that are set, as dockerd's update.
func mergeResources(r *container.Resources, u container.Resources) {
	if u.CPUShares != 0 {
		r.CPUShares = u.CPUShares
	}
	if u.Memory != 0 {
		r.Memory = u.Memory
	}
	if u.MemoryReservation != 0 {
		r.MemoryReservation = u.MemoryReservation
	}
	if u.MemorySwap != 0 {
		r.MemorySwap = u.MemorySwap
	}
	if u.NanoCPUs != 0 {
		r.NanoCPUs = u.NanoCPUs
	}
	if u.CPUPeriod != 0 {
		r.CPUPeriod = u.CPUPeriod
	}
	if u.CPUQuota != 0 {
		r.CPUQuota = u.CPUQuota
	}
	if u.CpusetCpus != "" {
		r.CpusetCpus = u.CpusetCpus
	}
	if u.CpusetMems != "" {
		r.CpusetMems = u.CpusetMems
	}
	if u.PidsLimit != nil {
		r.PidsLimit = u.PidsLimit
	}
	if u.BlkioWeight != 0 {
		r.BlkioWeight = u.BlkioWeight
	}
}
