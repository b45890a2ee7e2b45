package pods

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/rs/zerolog"

	"github.com/sockerless/sockerless/api/httpx"
	"github.com/sockerless/sockerless/backends/core/filters"
)

// Register adds the /libpod/pods endpoints to mux. The frontend strips
// podman's /vX.Y.Z prefix, so the routes are unversioned like the rest.
func Register(mux *http.ServeMux, m *Manager) {
	h := handlers{m: m}
	mux.Handle("POST /libpod/pods/create", api(h.create))
	mux.Handle("GET /libpod/pods/json", api(h.list))
	mux.Handle("GET /libpod/pods/{name}/json", api(h.inspect))
	mux.Handle("GET /libpod/pods/{name}/exists", api(h.exists))
	mux.Handle("POST /libpod/pods/{name}/start", api(h.start))
	mux.Handle("POST /libpod/pods/{name}/stop", api(h.stop))
	mux.Handle("POST /libpod/pods/{name}/kill", api(h.kill))
	mux.Handle("POST /libpod/pods/{name}/restart", api(h.restart))
	mux.Handle("POST /libpod/pods/prune", api(h.prune))
	mux.Handle("DELETE /libpod/pods/{name}", api(h.remove))
}

type handlers struct{ m *Manager }

// errorModel is libpod's error body (errorhandling.ErrorModel): the
// podman client prints Message; Because is the innermost cause. A 409 also
// carries Errs (errorhandling.PodConflictErrorModel), which is what the
// podman client decodes for a pod's 409: podman itself sends only the
// ErrorModel there, and its client prints an empty "Error: ".
type errorModel struct {
	Because      string   `json:"cause"`
	Message      string   `json:"message"`
	ResponseCode int      `json:"response"`
	Errs         []string `json:"Errs,omitempty"`
}

// api is httpx.API with libpod's error envelope.
func api(fn func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		status := httpx.Status(err)
		if status == http.StatusNotModified {
			w.WriteHeader(status)
			return
		}
		if status >= 500 {
			zerolog.Ctx(r.Context()).Error().Err(err).Int("status", status).Str("path", r.URL.Path).Msg("request failed")
		}
		msg := err.Error()
		cause := msg
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			cause = msg[i+2:]
		}
		em := errorModel{Because: cause, Message: msg, ResponseCode: status}
		if status == http.StatusConflict {
			em.Errs = []string{msg}
		}
		_ = httpx.WriteJSON(w, status, em)
	})
}

// createReport is entities.PodCreateReport.
type createReport struct {
	ID string `json:"Id"`
}

func (h handlers) create(w http.ResponseWriter, r *http.Request) error {
	var s Spec
	if err := httpx.DecodeJSON(r, &s, false); err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("failed to decode specgen: " + err.Error())
	}
	id, err := h.m.Create(r.Context(), s)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, createReport{ID: id})
}

func (h handlers) list(w http.ResponseWriter, r *http.Request) error {
	f, err := filters.Parse(r.URL.Query().Get("filters"))
	if err != nil {
		return err
	}
	if err := f.Validate("id", "name", "label", "status", "ctr-ids", "ctr-names", "ctr-status", "ctr-number", "until"); err != nil {
		return err
	}
	out := []listReport{}
	for _, p := range h.m.All() {
		rep := h.m.listReport(r.Context(), p)
		if matches(f, p, rep) {
			out = append(out, rep)
		}
	}
	slices.SortFunc(out, func(a, b listReport) int { return b.Created.Compare(a.Created) })
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// matches applies podman's pod list filters.
func matches(f filters.Args, p Pod, rep listReport) bool {
	ids, names, states := []string{}, []string{}, []string{}
	for _, c := range rep.Containers {
		ids, names, states = append(ids, c.ID), append(names, c.Names), append(states, c.Status)
	}
	prefix := func(name string, vs []string) bool {
		if !f.Has(name) {
			return true
		}
		for _, v := range vs {
			if f.MatchPrefix(name, v) {
				return true
			}
		}
		return false
	}
	if !f.MatchPrefix("id", p.ID) || !f.MatchPattern("name", p.Name) || !f.MatchLabels("label", p.Labels) ||
		!f.Match("status", strings.ToLower(rep.Status)) || !prefix("ctr-ids", ids) ||
		!f.MatchAny("ctr-names", names...) || !f.MatchAny("ctr-status", states...) ||
		!f.Match("ctr-number", strconv.Itoa(len(rep.Containers))) {
		return false
	}
	for _, u := range f.Get("until") {
		t, err := time.Parse(time.RFC3339Nano, u)
		if sec, perr := strconv.ParseInt(u, 10, 64); perr == nil {
			t, err = time.Unix(sec, 0), nil
		}
		if err == nil && !p.Created.Before(t) {
			return false
		}
	}
	return true
}

func (h handlers) inspect(w http.ResponseWriter, r *http.Request) error {
	p, err := h.m.Get(r.PathValue("name"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.m.inspectData(r.Context(), p))
}

func (h handlers) exists(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.m.Get(r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// opReport is entities.PodStartReport, PodStopReport and PodKillReport.
type opReport struct {
	Errs []string `json:"Errs"`
	ID   string   `json:"Id"`
}

func writeOp(w http.ResponseWriter, id string, errs []error) error {
	rep := opReport{ID: id}
	for _, e := range errs {
		rep.Errs = append(rep.Errs, e.Error())
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusConflict
	}
	return httpx.WriteJSON(w, status, rep)
}

func (h handlers) start(w http.ResponseWriter, r *http.Request) error {
	id, errs, err := h.m.Start(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeOp(w, id, errs)
}

func (h handlers) stop(w http.ResponseWriter, r *http.Request) error {
	timeout, err := timeoutParam(r)
	if err != nil {
		return err
	}
	id, errs, err := h.m.Stop(r.Context(), r.PathValue("name"), timeout)
	if err != nil {
		return err
	}
	return writeOp(w, id, errs)
}

func (h handlers) kill(w http.ResponseWriter, r *http.Request) error {
	sig := r.URL.Query().Get("signal")
	if sig == "" {
		sig = "SIGKILL"
	}
	id, errs, err := h.m.Kill(r.Context(), r.PathValue("name"), sig)
	if err != nil {
		return err
	}
	return writeOp(w, id, errs)
}

func (h handlers) restart(w http.ResponseWriter, r *http.Request) error {
	id, errs, err := h.m.Restart(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeOp(w, id, errs)
}

// prune answers POST /libpod/pods/prune with one entities.PodPruneReport
// per removed pod.
func (h handlers) prune(w http.ResponseWriter, r *http.Request) error {
	out := []rmReport{}
	for _, id := range h.m.Prune(r.Context()) {
		out = append(out, rmReport{ID: id})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// rmReport is entities.PodRmReport (and PodPruneReport).
type rmReport struct {
	Err *string `json:"Err"`
	ID  string  `json:"Id"`
}

func (h handlers) remove(w http.ResponseWriter, r *http.Request) error {
	force, _ := strconv.ParseBool(r.URL.Query().Get("force"))
	timeout, err := timeoutParam(r)
	if err != nil {
		return err
	}
	id, err := h.m.Remove(r.Context(), r.PathValue("name"), force, timeout)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, rmReport{ID: id})
}

// timeoutParam reads podman's "t" (seconds; absent is each container's own).
func timeoutParam(r *http.Request) (*int, error) {
	v := r.URL.Query().Get("t")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("failed to parse parameters: t: " + err.Error())
	}
	return &n, nil
}
