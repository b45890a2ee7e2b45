package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"
)

// TestGroup checks the network-namespace groups: a chain of
// "container:" modes, by name or ID, is one group rooted at the container
// that owns the namespace; others are groups of one.
func TestGroup(t *testing.T) {
	v := newEnv(t)
	root := v.create(t, "root", container.Config{}, nil)
	a := v.create(t, "side", container.Config{}, &container.HostConfig{NetworkMode: "container:root"})
	b := v.create(t, "third", container.Config{}, &container.HostConfig{NetworkMode: container.NetworkMode("container:" + a[:12])})
	alone := v.create(t, "alone", container.Config{}, nil)
	names := func(g Group) []string {
		var out []string
		for _, m := range g.Members {
			out = append(out, m.Name+"/"+m.Status)
		}
		return out
	}
	tests := []struct {
		ref      string
		root     string
		wantMems []string
	}{
		{"root", root, []string{"root/created", "side/created", "third/created"}},
		{"third", root, []string{"root/created", "side/created", "third/created"}},
		{a, root, []string{"root/created", "side/created", "third/created"}},
		{"alone", alone, []string{"alone/created"}},
	}
	for _, tc := range tests {
		g, err := v.e.Group(context.Background(), tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		if g.Root != tc.root {
			t.Errorf("Group(%s).Root = %s, want %s", tc.ref, g.Root, tc.root)
		}
		if d := cmp.Diff(tc.wantMems, names(g)); d != "" {
			t.Errorf("Group(%s) members (-want +got):\n%s", tc.ref, d)
		}
	}
	if _, err := v.e.Group(context.Background(), "nosuch"); err == nil {
		t.Error("Group of an unknown container: no error")
	}
	// What a starting root tells its driver: the created members, in
	// creation order; a member or a lone container has none.
	if d := cmp.Diff([]string{a, b}, v.e.pendingMembers(root)); d != "" {
		t.Errorf("pendingMembers(root) (-want +got):\n%s", d)
	}
	for _, id := range []string{a, b, alone} {
		if got := v.e.pendingMembers(id); got != nil {
			t.Errorf("pendingMembers(%s) = %v, want none", id, got)
		}
	}
}

func TestRootOf(t *testing.T) {
	parent := map[string]string{"b": "a", "a": "root", "x": "y", "y": "x", "z": "y"}
	for id, want := range map[string]string{"b": "root", "root": "root", "x": "x", "y": "x", "z": "x"} {
		if got := rootOf(id, parent); got != want {
			t.Errorf("rootOf(%s) = %s, want %s", id, got, want)
		}
	}
}

// TestStartJoinsRunning checks dockerd's rule at start: the container
// whose network namespace one joins must exist and run; otherwise the
// start fails (409, 404) and the joiner stays created with exit code 128
// and the error recorded.
func TestStartJoinsRunning(t *testing.T) {
	v := newEnv(t)
	root := v.create(t, "root", container.Config{Cmd: []string{"sleep", "30"}}, nil)
	member := v.create(t, "member", container.Config{Cmd: []string{"echo", "hi"}}, &container.HostConfig{NetworkMode: "container:root"})
	orphan := v.create(t, "orphan", container.Config{Cmd: []string{"echo", "hi"}}, &container.HostConfig{NetworkMode: "container:nosuch"})
	tests := []struct {
		id    string
		is    func(error) bool
		msg   string
		state string
	}{
		{member, errdefs.IsConflict, "cannot join network of a non running container: " + root, "created 128 cannot join network of a non running container: " + root},
		{orphan, errdefs.IsNotFound, "No such container: nosuch", "created 128 No such container: nosuch"},
	}
	for _, tc := range tests {
		err := v.e.Start(t.Context(), tc.id)
		if err == nil || !tc.is(err) || err.Error() != tc.msg {
			t.Errorf("start %s: %v, want %q", tc.id, err, tc.msg)
		}
		resp, ierr := v.e.Inspect(t.Context(), tc.id, false)
		if ierr != nil {
			t.Fatal(ierr)
		}
		if got := fmt.Sprintf("%s %d %s", resp.State.Status, resp.State.ExitCode, resp.State.Error); got != tc.state {
			t.Errorf("state of %s: %q, want %q", tc.id, got, tc.state)
		}
	}
	if err := v.e.Start(t.Context(), root); err != nil {
		t.Fatal(err)
	}
	if err := v.e.Start(t.Context(), member); err != nil {
		t.Errorf("start once the root runs: %v", err)
	}
}
