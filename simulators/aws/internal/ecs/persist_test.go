package ecs

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/ec2"
	"github.com/sockerless/sockerless/simulators/core/state"
)

// fakeNet records the interfaces deleted; "eni-gone" is already gone.
type fakeNet struct{ deleted []string }

func (f *fakeNet) CreateInterface(context.Context, string, ec2.InterfaceRequest) (ec2.Interface, error) {
	return ec2.Interface{}, awsproto.ErrInternal
}

func (f *fakeNet) DeleteInterface(_ context.Context, _, id string) error {
	f.deleted = append(f.deleted, id)
	if id == "eni-gone" {
		return awsproto.Errorf(400, "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
	}
	return nil
}

// TestRestartDeletesENIs: a simulator that died under awsvpc tasks gives
// their interfaces back when it starts again, once.
func TestRestartDeletesENIs(t *testing.T) {
	dir := t.TempDir()
	store, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, eni := range []string{"eni-1", "eni-gone"} {
		tk := &task{TaskArn: "arn:aws:ecs:us-east-1:1:task/c/" + eni, LastStatus: "RUNNING", DesiredStatus: "RUNNING",
			Attachments: []attachment{{ID: "a", Status: "ATTACHED"}}, Containers: []*container{{Name: "main", LastStatus: "RUNNING"}}}
		if err := store.Put(kindTasks, tk.TaskArn, taskRecord{Region: "us-east-1", Task: tk, ENI: eni}); err != nil {
			t.Fatal(err)
		}
	}
	net := &fakeNet{}
	s, err := New(t.Context(), Config{Account: "1", Store: store, Net: net, Scratch: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(net.deleted)
	if d := cmp.Diff([]string{"eni-1", "eni-gone"}, net.deleted); d != "" {
		t.Errorf("deleted (-want +got):\n%s", d)
	}
	for _, tk := range s.tasks {
		if tk.LastStatus != "STOPPED" || tk.StopCode != "TerminationNotice" || tk.Attachments[0].Status != "DELETED" {
			t.Errorf("task after restart: %+v", tk)
		}
	}
	net2 := &fakeNet{}
	if _, err := New(t.Context(), Config{Account: "1", Store: store, Net: net2, Scratch: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if len(net2.deleted) != 0 {
		t.Errorf("second restart deleted %v again", net2.deleted)
	}
}
