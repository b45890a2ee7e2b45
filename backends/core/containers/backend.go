// Package containers serves the /containers endpoints of the Docker Engine
// API (https://docs.docker.com/reference/api/engine/version/v1.51/#tag/Container)
// at their unversioned paths.
package containers

import (
	"context"
	"io"

	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/backends/core/engine"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// Backend is what the container handlers need; *engine.Engine implements it.
type Backend interface {
	ListJSON(ctx context.Context, opts engine.ListOptions) ([]byte, error)
	Create(ctx context.Context, opts engine.CreateOptions) (container.CreateResponse, error)
	Inspect(ctx context.Context, ref string, size bool) (container.InspectResponse, error)
	Start(ctx context.Context, ref string) error
	Stop(ctx context.Context, ref, signal string, timeout *int) error
	Restart(ctx context.Context, ref, signal string, timeout *int) error
	Kill(ctx context.Context, ref, signal string) error
	Pause(ctx context.Context, ref string) error
	Unpause(ctx context.Context, ref string) error
	Rename(ctx context.Context, ref, name string) error
	Update(ctx context.Context, ref string, u container.UpdateConfig) (container.UpdateResponse, error)
	Remove(ctx context.Context, ref string, opts engine.RemoveOptions) error
	Prune(ctx context.Context, f filters.Args) (container.PruneReport, error)
	Wait(ctx context.Context, ref string, cond container.WaitCondition) (engine.Waiter, error)
	Logs(ctx context.Context, ref string, opts engine.LogsOptions) (bool, engine.LogStream, error)
	Attach(ctx context.Context, ref string, opts engine.AttachOptions) (*engine.Attachment, error)
	Resize(ctx context.Context, ref string, size driver.TermSize) error
	Top(ctx context.Context, ref string) ([]driver.ProcessInfo, error)
	Stats(ctx context.Context, ref string) (driver.Usage, string, string, error)
	StatPath(ctx context.Context, ref, path string) (driver.PathStat, error)
	GetArchive(ctx context.Context, ref, path string) (io.ReadCloser, driver.PathStat, error)
	PutArchive(ctx context.Context, ref, path string, r io.Reader, opts driver.ArchiveOptions) error
	Export(ctx context.Context, ref string) (io.ReadCloser, error)
	Changes(ctx context.Context, ref string) ([]driver.Change, error)
	Commit(ctx context.Context, ref string, opts engine.CommitOptions) (string, error)
}

var _ Backend = (*engine.Engine)(nil)
