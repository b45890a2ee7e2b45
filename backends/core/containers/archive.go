package containers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"

	"github.com/sockerless/sockerless/api/driver"
	"github.com/sockerless/sockerless/api/httpx"
)

// pathStatHeader carries a path's stat with archive responses.
const pathStatHeader = "X-Docker-Container-Path-Stat"

func archivePath(r *http.Request) (string, error) {
	p := r.URL.Query().Get("path")
	if p == "" {
		return "", errdefs.ErrInvalidArgument.WithMessage("path is required")
	}
	return p, nil
}

func setPathStat(w http.ResponseWriter, st driver.PathStat) error {
	b, err := json.Marshal(container.PathStat{Name: st.Name, Size: st.Size, Mode: os.FileMode(st.Mode), Mtime: st.Mtime, LinkTarget: st.LinkTarget})
	if err != nil {
		return err
	}
	w.Header().Set(pathStatHeader, base64.StdEncoding.EncodeToString(b))
	return nil
}

// statPath answers HEAD /containers/{id}/archive (ContainerArchiveInfo).
func (h handlers) statPath(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	st, err := h.b.StatPath(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	if err := setPathStat(w, st); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// getArchive answers GET /containers/{id}/archive (ContainerArchive).
func (h handlers) getArchive(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	rc, st, err := h.b.GetArchive(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := setPathStat(w, st); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
	return nil
}

// putArchive answers PUT /containers/{id}/archive (PutContainerArchive).
func (h handlers) putArchive(w http.ResponseWriter, r *http.Request) error {
	p, err := archivePath(r)
	if err != nil {
		return err
	}
	opts := driver.ArchiveOptions{NoOverwriteDirNonDir: boolValue(r, "noOverwriteDirNonDir"), CopyUIDGID: boolValue(r, "copyUIDGID")}
	if err := h.b.PutArchive(r.Context(), r.PathValue("id"), p, r.Body, opts); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// export answers GET /containers/{id}/export (ContainerExport).
func (h handlers) export(w http.ResponseWriter, r *http.Request) error {
	rc, err := h.b.Export(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
	return nil
}

// changes answers GET /containers/{id}/changes (ContainerChanges).
func (h handlers) changes(w http.ResponseWriter, r *http.Request) error {
	ch, err := h.b.Changes(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := make([]container.FilesystemChange, 0, len(ch))
	for _, c := range ch {
		out = append(out, container.FilesystemChange{Path: c.Path, Kind: container.ChangeType(c.Kind)})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// top answers GET /containers/{id}/top (ContainerTop) with ps -ef's
// columns; what the driver does not measure (the terminal, CPU time on
// some drivers) is "-".
func (h handlers) top(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.b.Top(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	resp := container.TopResponse{Titles: []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}, Processes: [][]string{}}
	for _, p := range ps {
		stime := "-"
		if !p.Started.IsZero() {
			stime = p.Started.Format("15:04")
		}
		cpu := "-"
		if p.CPU >= 0 {
			s := int(p.CPU / time.Second)
			cpu = fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
		}
		resp.Processes = append(resp.Processes, []string{p.User, strconv.Itoa(p.PID), strconv.Itoa(p.PPID), "0", stime, "-", cpu, p.Command})
	}
	return httpx.WriteJSON(w, http.StatusOK, resp)
}

// stats answers GET /containers/{id}/stats (ContainerStats): one sample per
// second while streaming; otherwise one sample, with a second one a second
// later for the CPU delta unless one-shot, as dockerd.
func (h handlers) stats(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	stream := boolValueOrDefault(r, "stream", true)
	oneShot := boolValue(r, "one-shot")
	u, cid, name, err := h.b.Stats(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	enc := json.NewEncoder(w)
	prev := driver.Usage{}
	if !stream && oneShot {
		return writeBody(w, statsResponse(cid, name, u, prev))
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if stream {
			if err := enc.Encode(statsResponse(cid, name, u, prev)); err != nil {
				return nil
			}
			_ = rc.Flush()
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-tick.C:
		}
		prev = u
		if u, _, _, err = h.b.Stats(r.Context(), id); err != nil {
			return nil
		}
		if !stream {
			return writeBody(w, statsResponse(cid, name, u, prev))
		}
	}
}

func statsResponse(id, name string, u, prev driver.Usage) container.StatsResponse {
	cpu := func(u driver.Usage) container.CPUStats {
		return container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: u.CPUNanos}, SystemUsage: u.SystemNanos, OnlineCPUs: u.OnlineCPUs}
	}
	return container.StatsResponse{
		ID: id, Name: name, OSType: "linux", Read: u.Read, PreRead: prev.Read,
		CPUStats: cpu(u), PreCPUStats: cpu(prev),
		MemoryStats: container.MemoryStats{Usage: u.MemoryBytes, Limit: u.MemoryLimit},
		PidsStats:   container.PidsStats{Current: u.PIDs},
		Networks:    map[string]container.NetworkStats{"eth0": {RxBytes: u.NetRxBytes, TxBytes: u.NetTxBytes}},
		BlkioStats: container.BlkioStats{IoServiceBytesRecursive: []container.BlkioStatEntry{
			{Op: "read", Value: u.BlockRead}, {Op: "write", Value: u.BlockWritten}}},
	}
}
