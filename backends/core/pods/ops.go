package pods

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/containerd/errdefs"

	"github.com/sockerless/sockerless/backends/core/engine"
)

// Podman's pod states.
const (
	StateCreated  = "Created"
	StateRunning  = "Running"
	StateDegraded = "Degraded"
	StatePaused   = "Paused"
	StateExited   = "Exited"
	StateStopped  = "Stopped"
	StateError    = "Error"
)

// Status is podman's pod state for members with these Docker states: all
// running is Running, some is Degraded, all paused is Paused, all exited
// is Exited, no member (or only created ones) is Created.
func Status(members []engine.Member) string {
	if len(members) == 0 {
		return StateCreated
	}
	var running, paused, exited, created, bad int
	for _, c := range members {
		switch c.Status {
		case "running", "restarting":
			running++
		case "paused":
			paused++
		case "exited":
			exited++
		case "created":
			created++
		default:
			bad++
		}
	}
	switch n := len(members); {
	case running == n:
		return StateRunning
	case running > 0:
		return StateDegraded
	case paused == n:
		return StatePaused
	case exited == n:
		return StateExited
	case exited > 0:
		return StateStopped
	case bad > 0:
		return StateError
	default:
		return StateCreated
	}
}

// Start starts the pod's containers, infra first. It is
// [errdefs.ErrNotModified] when they all run already, as podman answers 304.
func (m *Manager) Start(ctx context.Context, ref string) (string, []error, error) {
	p, err := m.Get(ref)
	if err != nil {
		return "", nil, err
	}
	members := m.Members(ctx, p)
	if len(members) == 0 {
		return "", nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf(
			"no containers in pod %s have no dependencies, cannot start pod: no such container", p.ID))
	}
	if Status(members) == StateRunning {
		return p.ID, nil, errdefs.ErrNotModified
	}
	var errs []error
	for _, c := range members {
		if c.Status == "running" || c.Status == "restarting" {
			continue
		}
		if err := m.c.Start(ctx, c.ID); err != nil && !errdefs.IsNotModified(err) {
			errs = append(errs, fmt.Errorf("starting container %s: %w", c.ID, err))
		}
	}
	return p.ID, errs, nil
}

// Stop stops the pod's containers, infra last; timeout overrides each
// container's stop timeout. It is [errdefs.ErrNotModified] when none
// runs, as podman answers 304.
func (m *Manager) Stop(ctx context.Context, ref string, timeout *int) (string, []error, error) {
	p, err := m.Get(ref)
	if err != nil {
		return "", nil, err
	}
	members := m.Members(ctx, p)
	switch Status(members) {
	case StateExited, StateStopped, StateCreated:
		return p.ID, nil, errdefs.ErrNotModified
	}
	var errs []error
	for _, c := range slices.Backward(members) {
		if err := m.c.Stop(ctx, c.ID, "", timeout); err != nil && !errdefs.IsNotModified(err) {
			errs = append(errs, fmt.Errorf("stopping container %s: %w", c.ID, err))
		}
	}
	return p.ID, errs, nil
}

// Kill sends sig to the pod's running containers.
func (m *Manager) Kill(ctx context.Context, ref, sig string) (string, []error, error) {
	p, err := m.Get(ref)
	if err != nil {
		return "", nil, err
	}
	var errs []error
	killed := 0
	for _, c := range m.Members(ctx, p) {
		if c.Status != "running" && c.Status != "paused" {
			continue
		}
		if err := m.c.Kill(ctx, c.ID, sig); err != nil {
			if errdefs.IsInvalidArgument(err) {
				return "", nil, err // a bad signal fails the whole request
			}
			errs = append(errs, fmt.Errorf("killing container %s: %w", c.ID, err))
			continue
		}
		killed++
	}
	if killed == 0 && len(errs) == 0 {
		return "", nil, errdefs.ErrConflict.WithMessage("cannot kill a pod with no running containers: " + p.ID)
	}
	return p.ID, errs, nil
}

// Remove removes the pod and its containers, infra last. Running
// containers need force.
func (m *Manager) Remove(ctx context.Context, ref string, force bool, timeout *int) (string, error) {
	p, err := m.Get(ref)
	if err != nil {
		return "", err
	}
	members := m.Members(ctx, p)
	if !force {
		for _, c := range members {
			if c.Status == "running" || c.Status == "paused" || c.Status == "restarting" {
				return "", errdefs.ErrConflict.WithMessage(fmt.Sprintf(
					"removing container %s from pod %s: cannot remove container %s as it is running - running or paused containers cannot be removed without force: container state improper",
					c.ID, p.ID, c.ID))
			}
		}
	}
	for _, c := range slices.Backward(members) {
		if force && (c.Status == "running" || c.Status == "paused") && timeout != nil {
			_ = m.c.Stop(ctx, c.ID, "", timeout) // a graceful stop first, as podman's -t
		}
		err := m.c.Remove(ctx, c.ID, engine.RemoveOptions{Force: force})
		if err != nil && !errdefs.IsNotFound(err) {
			return "", fmt.Errorf("removing container %s from pod %s: %w", c.ID, p.ID, err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.st.Delete(kind, p.ID); err != nil && !errors.Is(err, errdefs.ErrNotFound) {
		return "", fmt.Errorf("remove pod %s: %w", p.ID, err)
	}
	delete(m.pods, p.ID)
	return p.ID, nil
}

// Restart stops the pod's running containers and starts them all again.
func (m *Manager) Restart(ctx context.Context, ref string) (string, []error, error) {
	id, errs, err := m.Stop(ctx, ref, nil)
	if err != nil && !errdefs.IsNotModified(err) {
		return "", nil, err
	}
	sid, serrs, err := m.Start(ctx, ref)
	if errdefs.IsNotModified(err) {
		return id, errs, nil
	}
	if err != nil {
		return "", nil, err
	}
	return sid, append(errs, serrs...), nil
}

// Prune removes the pods whose containers have all stopped (Exited or
// Stopped), with their containers, as podman's pod prune.
func (m *Manager) Prune(ctx context.Context) []string {
	var removed []string
	for _, p := range m.All() {
		switch Status(m.Members(ctx, p)) {
		case StateExited, StateStopped:
			if id, err := m.Remove(ctx, p.ID, false, nil); err == nil {
				removed = append(removed, id)
			}
		}
	}
	return removed
}
