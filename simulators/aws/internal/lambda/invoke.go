package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sockerless/sockerless/simulators/aws/internal/awsproto"
	"github.com/sockerless/sockerless/simulators/aws/internal/dockerrt"
	"github.com/sockerless/sockerless/simulators/aws/internal/logs"
	"github.com/sockerless/sockerless/simulators/core/process"
	"github.com/sockerless/sockerless/simulators/core/reqid"
)

// Payload limits of Invoke, from the Lambda quotas.
const (
	maxSyncPayload  = 6 << 20
	maxAsyncPayload = 256 << 10
)

// pythonShim runs a Python handler "module.function" the way the Python
// runtime calls it: handler(event, context), result as JSON on stdout,
// an uncaught exception as Lambda's error document.
const pythonShim = `import importlib, json, os, sys, time, traceback
sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
mod, fn = sys.argv[1], sys.argv[2]
class Context:
    function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    function_version = "$LATEST"
    memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
    aws_request_id = os.environ["AWS_LAMBDA_REQUEST_ID"]
    log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
    log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
    _deadline = float(os.environ["AWS_LAMBDA_DEADLINE_MS"])
    def get_remaining_time_in_millis(self):
        return int(self._deadline - time.time() * 1000)
real_stdout = sys.stdout
sys.stdout = sys.stderr
try:
    result = getattr(importlib.import_module(mod), fn)(json.load(sys.stdin), Context())
    real_stdout.write(json.dumps(result))
except Exception as e:
    traceback.print_exc()
    real_stdout.write(json.dumps({"errorMessage": str(e), "errorType": type(e).__name__,
        "stackTrace": traceback.format_tb(e.__traceback__)}))
    sys.exit(1)
`

// command resolves what an invocation runs (see the package doc).
func command(f *function) ([]string, string, error) {
	if f.PackageType == "Image" {
		var argv []string
		if f.ImageConfig != nil {
			argv = append(append(argv, f.ImageConfig.EntryPoint...), f.ImageConfig.Command...)
		}
		if len(argv) == 0 {
			return nil, "", awsproto.Errorf(http.StatusBadGateway, "InvalidRuntimeException",
				"The simulator's process runtime runs ImageConfig.EntryPoint and ImageConfig.Command; function %s sets neither", f.Name)
		}
		return argv, "", nil
	}
	if f.Handler != "" {
		p := filepath.Join(f.CodeDir, filepath.Clean("/"+f.Handler))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return []string{p}, f.CodeDir, nil
		}
	}
	switch {
	case strings.HasPrefix(f.Runtime, "provided"):
		return []string{filepath.Join(f.CodeDir, "bootstrap")}, f.CodeDir, nil
	case strings.HasPrefix(f.Runtime, "python3"):
		mod, fn, ok := strings.Cut(f.Handler, ".")
		if i := strings.LastIndex(f.Handler, "."); i > 0 {
			mod, fn, ok = f.Handler[:i], f.Handler[i+1:], true
		}
		if !ok {
			return nil, "", invalidValue("Bad handler %s: expected module.function", f.Handler)
		}
		py, err := exec.LookPath("python3")
		if err != nil {
			return nil, "", awsproto.Errorf(http.StatusBadGateway, "InvalidRuntimeException", "runtime %s needs python3 on the simulator's host", f.Runtime)
		}
		return []string{py, "-c", pythonShim, strings.ReplaceAll(mod, "/", "."), fn}, f.CodeDir, nil
	}
	return nil, "", awsproto.Errorf(http.StatusBadGateway, "InvalidRuntimeException",
		"The simulator runs runtimes provided.* and python3.*, or an executable Handler; %s with handler %s is neither", f.Runtime, f.Handler)
}

type result struct {
	payload  []byte
	funcErr  string // "" or "Unhandled"
	logTail  string
	duration time.Duration
}

func (s *Service) invoke(w http.ResponseWriter, r *http.Request, body []byte) error {
	typ := r.Header.Get("X-Amz-Invocation-Type")
	s.mu.Lock()
	f, err := s.lookup(r)
	var fc function
	if err == nil {
		fc = *f
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		return awsproto.Errorf(http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json: Unexpected character")
	}
	var argv []string
	var dir string
	if !s.inDocker(&fc) {
		if argv, dir, err = command(&fc); err != nil {
			return err
		}
	}
	id := awsproto.CallFrom(r.Context()).RequestID
	h := w.Header()
	h.Set("X-Amzn-Requestid", id)
	switch typ {
	case "", "RequestResponse":
		if len(body) > maxSyncPayload {
			return awsproto.Errorf(http.StatusRequestEntityTooLarge, "RequestTooLargeException", "Request must be smaller than %d bytes for the InvokeFunction operation", maxSyncPayload)
		}
		res := s.run(r.Context(), &fc, id, argv, dir, body)
		h.Set("X-Amz-Executed-Version", "$LATEST")
		h.Set("Content-Type", "application/json")
		if res.funcErr != "" {
			h.Set("X-Amz-Function-Error", res.funcErr)
		}
		if r.Header.Get("X-Amz-Log-Type") == "Tail" {
			h.Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString([]byte(res.logTail)))
		}
		w.WriteHeader(http.StatusOK)
		w.Write(res.payload)
	case "Event":
		if len(body) > maxAsyncPayload {
			return awsproto.Errorf(http.StatusRequestEntityTooLarge, "RequestTooLargeException", "Request must be smaller than %d bytes for the InvokeAsync operation", maxAsyncPayload)
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.run(context.WithoutCancel(r.Context()), &fc, id, argv, dir, body)
		}()
		w.WriteHeader(http.StatusAccepted)
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
	default:
		return invalidValue("Invalid invocation type: %s", typ)
	}
	return nil
}

// run executes one invocation and writes its START/END/REPORT lines and
// stderr to /aws/lambda/<name>.
func (s *Service) run(ctx context.Context, f *function, id string, argv []string, dir string, event []byte) result {
	start := s.now()
	group := "/aws/lambda/" + f.Name
	stream := start.UTC().Format("2006/01/02") + "/[$LATEST]" + strings.ReplaceAll(reqid.New(), "-", "")
	var mu sync.Mutex
	var lines []string
	emit := func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }
	emit("START RequestId: " + id + " Version: $LATEST")
	if dir == "" {
		dir = filepath.Join(s.scratch, f.Region, f.Name, "work")
		os.MkdirAll(dir, 0o755)
	}
	if f.ImageConfig != nil && f.ImageConfig.WorkingDirectory != "" && f.PackageType == "Image" {
		dir = filepath.Join(dir, filepath.Clean("/"+f.ImageConfig.WorkingDirectory))
		os.MkdirAll(dir, 0o755)
	}
	deadline := start.Add(time.Duration(f.Timeout) * time.Second)
	env := []string{"HOME=/tmp",
		"AWS_REGION=" + f.Region, "AWS_DEFAULT_REGION=" + f.Region, "AWS_EXECUTION_ENV=AWS_Lambda_" + f.Runtime,
		"AWS_LAMBDA_FUNCTION_NAME=" + f.Name, "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(int(f.MemorySize)),
		"AWS_LAMBDA_LOG_GROUP_NAME=" + group, "AWS_LAMBDA_LOG_STREAM_NAME=" + stream,
		"AWS_LAMBDA_REQUEST_ID=" + id, "AWS_LAMBDA_DEADLINE_MS=" + strconv.FormatInt(deadline.UnixMilli(), 10),
		"_HANDLER=" + f.Handler}
	if f.Environment != nil {
		for k, v := range f.Environment.Variables {
			env = append(env, k+"="+v)
		}
	}
	var stdout bytes.Buffer
	stderr := &process.LineWriter{Emit: emit}
	res := result{}
	p, err := s.start(ctx, f, id, argv, dir, env, event, &stdout, stderr)
	timedOut := false
	if err != nil {
		res.funcErr = "Unhandled"
		res.payload, _ = json.Marshal(map[string]string{"errorType": "Runtime.InvalidEntrypoint",
			"errorMessage": "RequestId: " + id + " Error: " + err.Error()})
	} else {
		t := time.NewTimer(time.Until(deadline))
		select {
		case <-p.Done():
		case <-t.C:
			timedOut = true
			p.Stop(0)
		case <-ctx.Done():
			p.Stop(0)
		}
		t.Stop()
		stderr.Close()
		res.payload = stdout.Bytes()
		switch {
		case timedOut:
			res.funcErr = "Unhandled"
			msg := fmt.Sprintf("%s %s Task timed out after %.2f seconds", s.now().UTC().Format("2006-01-02T15:04:05.000Z"), id, float64(f.Timeout))
			emit(msg)
			res.payload, _ = json.Marshal(map[string]string{"errorType": "Sandbox.Timedout",
				"errorMessage": "RequestId: " + id + " Error: Task timed out after " + fmt.Sprintf("%.2f", float64(f.Timeout)) + " seconds"})
		case p.ExitCode() != 0:
			res.funcErr = "Unhandled"
			var doc map[string]any
			if json.Unmarshal(res.payload, &doc) != nil || doc["errorMessage"] == nil {
				res.payload, _ = json.Marshal(map[string]string{"errorType": "Runtime.ExitError",
					"errorMessage": fmt.Sprintf("RequestId: %s Error: Runtime exited with error: exit status %d", id, p.ExitCode())})
			}
		}
	}
	res.duration = s.now().Sub(start)
	ms := float64(res.duration.Microseconds()) / 1000
	var rss int64
	if pp, ok := p.(*process.Process); ok {
		rss = pp.MaxRSS()
	}
	emit("END RequestId: " + id)
	emit(fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
		id, ms, int64(ms+0.999), f.MemorySize, (rss+(1<<20)-1)>>20))
	ts := start.UnixMilli()
	evs := make([]logs.InputEvent, len(lines))
	for i, l := range lines {
		t := ts
		evs[i] = logs.InputEvent{Timestamp: &t, Message: l}
	}
	_ = s.logs.Append(f.Region, group, stream, evs, true)
	tail := strings.Join(lines, "\n") + "\n"
	if len(tail) > 4096 {
		tail = tail[len(tail)-4096:]
	}
	res.logTail = tail
	return res
}

// workload is a running invocation: a host process or a Docker container.
type workload interface {
	Done() <-chan struct{}
	ExitCode() int
	Stop(grace time.Duration)
}

// inDocker reports whether f runs as a Docker container: an Image
// function with the docker runtime.
func (s *Service) inDocker(f *function) bool { return s.docker != nil && f.PackageType == "Image" }

// start starts one invocation with the event on its standard input: a
// Docker container from f's image, with ImageConfig's entry point,
// command and working directory (the image's when absent), or argv as a
// host process in dir. A nil workload comes with an error.
func (s *Service) start(ctx context.Context, f *function, id string, argv []string, dir string, env []string,
	event []byte, stdout, stderr io.Writer) (workload, error) {
	if s.inDocker(f) {
		spec := dockerrt.Spec{Workload: s.arn(f) + ":" + id, Image: f.ImageURI, Env: append(env, "LAMBDA_TASK_ROOT=/var/task"),
			Stdin: bytes.NewReader(event), Stdout: stdout, Stderr: stderr, Memory: int64(f.MemorySize) << 20}
		if c := f.ImageConfig; c != nil {
			spec.Entrypoint, spec.Cmd, spec.WorkingDir = c.EntryPoint, c.Command, c.WorkingDirectory
		}
		c, err := s.docker.Start(ctx, spec)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	env = append([]string{"PATH=" + os.Getenv("PATH"), "LAMBDA_TASK_ROOT=" + dir}, env...)
	p, err := process.Start(process.Spec{Argv: argv, Env: env, Dir: dir, Stdin: bytes.NewReader(event), Stdout: stdout, Stderr: stderr})
	if err != nil {
		return nil, err
	}
	return p, nil
}
