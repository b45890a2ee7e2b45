package lambda

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/core/state"
)

const kindFunctions = "lambda/functions"

// New returns the Lambda service for account; function code is unpacked
// under scratch and invocation logs go to logsSvc.
func New(account string, store *state.Store, logsSvc *logs.Service, scratch string, docker *dockerrt.Runtime) (*Service, error) {
	s := &Service{account: account, store: store, logs: logsSvc, scratch: scratch, docker: docker, now: time.Now, funcs: map[string]*function{}}
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return nil, err
	}
	err := store.Load(kindFunctions, func(_ string, b []byte) error {
		f := &function{}
		if err := json.Unmarshal(b, f); err != nil {
			return err
		}
		s.funcs[f.Region+"/"+f.Name] = f
		return nil
	})
	return s, err
}

func (s *Service) save(f *function) error { return s.store.Put(kindFunctions, f.Region+"/"+f.Name, f) }

// Close waits for Event invocations still running.
func (s *Service) Close() { s.wg.Wait() }

type handler func(w http.ResponseWriter, r *http.Request, body []byte) error

// Handler returns the REST-JSON routes of Lambda; the caller has read the
// body and authenticated the request.
func (s *Service) Handler(body func(*http.Request) []byte) http.Handler {
	mux := http.NewServeMux()
	route := func(pattern string, h handler) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := h(w, r, body(r)); err != nil {
				awsproto.WriteError(w, r, awsproto.RESTJSON, err)
			}
		})
	}
	route("POST /2015-03-31/functions", s.create)
	route("GET /2015-03-31/functions/{$}", s.list)
	// The AWS CLI v1 lists without the trailing slash the Go SDK sends.
	route("GET /2015-03-31/functions", s.list)
	route("GET /2015-03-31/functions/{name}", s.get)
	route("DELETE /2015-03-31/functions/{name}", s.delete)
	route("GET /2015-03-31/functions/{name}/configuration", s.getConfiguration)
	route("PUT /2015-03-31/functions/{name}/configuration", s.updateConfiguration)
	route("PUT /2015-03-31/functions/{name}/code", s.updateCode)
	route("POST /2015-03-31/functions/{name}/invocations", s.invoke)
	route("GET /2017-03-31/tags/{arn}", s.tags)
	route("POST /2017-03-31/tags/{arn}", s.tags)
	route("DELETE /2017-03-31/tags/{arn}", s.tags)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		awsproto.WriteError(w, r, awsproto.RESTJSON, awsproto.Errorf(http.StatusNotFound, "UnknownOperationException",
			"Unknown operation %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		awsproto.WriteError(w, r, awsproto.RESTJSON, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Amzn-Requestid", awsproto.CallFrom(r.Context()).RequestID)
	w.WriteHeader(status)
	w.Write(b)
}
