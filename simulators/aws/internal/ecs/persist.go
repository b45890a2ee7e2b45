package ecs

import (
	"context"
	"encoding/json"
	"os"
	"syscall"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/core/process"
	"github.com/sockerless/sockerless/simulators/core/state"
)

const (
	kindClusters = "ecs/clusters"
	kindTaskDefs = "ecs/taskdefs"
	kindTasks    = "ecs/tasks"
)

type clusterRecord struct {
	Region  string    `json:"region"`
	Created time.Time `json:"created"`
	*cluster
}

type taskRecord struct {
	Region string `json:"region"`
	Task   *task  `json:"task"`
	// PGIDs are the process groups of the task's running containers, so
	// that a simulator restarted after a crash can end the orphans.
	PGIDs []int `json:"pgids,omitempty"`
	// ENI is the task's network interface until it is deleted, so that
	// a restarted simulator gives back the interfaces of the tasks it
	// stops.
	ENI string `json:"eni,omitempty"`
	// Docker are the IDs of the task's running Docker containers.
	Docker []string `json:"docker,omitempty"`
}

// Config is what the ECS service is made of.
type Config struct {
	Account string
	Store   *state.Store
	// Logs receives the tasks' output (awslogs).
	Logs *logs.Service
	// Net gives awsvpc tasks their interfaces.
	Net Network
	// Scratch is the parent of the tasks' working directories.
	Scratch string
	// Docker, when set, runs the containers as Docker containers from
	// their images instead of host processes.
	Docker *dockerrt.Runtime
	// EFS holds the data of the file systems that tasks mount.
	EFS FileSystems
}

// New returns the ECS service. Tasks a previous run left unfinished are
// stopped: their processes or containers ended, their interfaces deleted.
func New(ctx context.Context, cfg Config) (*Service, error) {
	s := &Service{account: cfg.Account, store: cfg.Store, logs: cfg.Logs, net: cfg.Net, docker: cfg.Docker, efs: cfg.EFS, now: time.Now,
		scratch: cfg.Scratch, clusters: map[string]*cluster{}, families: map[string][]*taskDef{}, tasks: map[string]*task{}}
	if err := os.MkdirAll(cfg.Scratch, 0o755); err != nil {
		return nil, err
	}
	return s, s.load(ctx)
}

// saveTask persists t; s.mu is held. A failed write is logged by nobody:
// the in-memory task stays authoritative until the next change rewrites it.
func (s *Service) saveTask(t *task) {
	r := taskRecord{Region: t.Region, Task: t, ENI: t.iface.ID}
	for _, c := range t.Containers {
		if c.proc == nil || t.LastStatus == "STOPPED" {
			continue
		}
		switch p := c.proc.(type) {
		case *process.Process:
			r.PGIDs = append(r.PGIDs, p.PID())
		case *dockerrt.Container:
			r.Docker = append(r.Docker, p.ID())
		}
	}
	_ = s.store.Put(kindTasks, t.TaskArn, r)
}

func (s *Service) load(ctx context.Context) error {
	err := s.store.Load(kindClusters, func(_ string, b []byte) error {
		r := clusterRecord{cluster: &cluster{}}
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		r.cluster.Region, r.cluster.Created = r.Region, r.Created
		s.clusters[r.Arn] = r.cluster
		return nil
	})
	if err != nil {
		return err
	}
	err = s.store.Load(kindTaskDefs, func(_ string, b []byte) error {
		td := &taskDef{}
		if err := json.Unmarshal(b, td); err != nil {
			return err
		}
		raw, _ := json.Marshal(td.Raw)
		if err := json.Unmarshal(raw, &td.parsed); err != nil {
			return err
		}
		key := td.Region + "/" + td.Family
		list := s.families[key]
		for len(list) < td.Revision {
			list = append(list, nil)
		}
		list[td.Revision-1] = td
		s.families[key] = list
		return nil
	})
	if err != nil {
		return err
	}
	return s.store.Load(kindTasks, func(_ string, b []byte) error {
		var r taskRecord
		if err := json.Unmarshal(b, &r); err != nil || r.Task == nil {
			return err
		}
		t := r.Task
		t.Region, t.done, t.stopReq = r.Region, make(chan struct{}), make(chan struct{})
		t.iface.ID = r.ENI
		close(t.done)
		close(t.stopReq)
		stale := t.LastStatus != "STOPPED"
		if stale {
			// The simulator died under the task: its processes are
			// orphans nobody watches. End them and record why.
			for _, pgid := range r.PGIDs {
				_ = syscall.Kill(-pgid, syscall.SIGKILL)
			}
			if s.docker != nil {
				for _, id := range r.Docker {
					_ = s.docker.Remove(ctx, id)
				}
				// Then the task's volumes, which its containers held.
				_ = s.docker.RemoveVolumes(ctx, t.TaskArn)
			}
			now := stamp(s.now())
			t.DesiredStatus, t.LastStatus, t.StopCode = "STOPPED", "STOPPED", "TerminationNotice"
			t.StoppedReason = "Task stopped because the simulator restarted while it ran"
			t.StoppingAt, t.ExecutionStoppedAt, t.StoppedAt = now, now, now
			for _, c := range t.Containers {
				c.LastStatus = "STOPPED"
			}
			for i := range t.Attachments {
				t.Attachments[i].Status = "DELETED"
			}
		}
		if t.iface.ID != "" {
			s.deleteENI(ctx, t)
		}
		if stale || r.ENI != "" {
			s.saveTask(t)
		}
		s.tasks[t.TaskArn] = t
		return nil
	})
}
