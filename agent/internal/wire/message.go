package wire

import "time"

// Operations a [Request] can ask for.
const (
	OpExec       = "exec"        // run a process; streams, then Exit
	OpAttach     = "attach"      // the main process's streams; Exit when it ends
	OpWait       = "wait"        // Exit when the main process ends
	OpSignal     = "signal"      // signal the main process; Result
	OpResize     = "resize"      // resize the main process's terminal; Result
	OpHealth     = "health"      // run a health check command; Result [Health]
	OpStat       = "stat"        // Result [Stat]
	OpGetArchive = "get_archive" // Result [Stat], Stdout tar, Exit 0
	OpPutArchive = "put_archive" // Stdin tar, then Exit 0
)

// Request is the JSON payload of an Open frame.
type Request struct {
	Op string `json:"op"`
	// Exec is the process of OpExec and OpHealth.
	Exec *ExecSpec `json:"exec,omitempty"`
	// Path is the container path of the archive operations.
	Path string `json:"path,omitempty"`
	// Signal is the signal number of OpSignal.
	Signal int `json:"signal,omitempty"`
	// Height and Width are the terminal size of OpResize.
	Height uint16 `json:"height,omitempty"`
	Width  uint16 `json:"width,omitempty"`
	// Logs asks OpAttach to replay the buffered output first; Stream asks
	// it to follow the live output.
	Logs   bool `json:"logs,omitempty"`
	Stream bool `json:"stream,omitempty"`
	// Stdin says the client will send input (OpAttach).
	Stdin bool `json:"stdin,omitempty"`
	// NoOverwriteDirNonDir and CopyUIDGID tune OpPutArchive as Docker's
	// query parameters of the same names.
	NoOverwriteDirNonDir bool `json:"no_overwrite_dir_non_dir,omitempty"`
	CopyUIDGID           bool `json:"copy_uid_gid,omitempty"`
	// Timeout bounds OpHealth.
	Timeout time.Duration `json:"timeout,omitempty"`
}

// ExecSpec is a process to run in the container.
type ExecSpec struct {
	Args []string `json:"args"`
	// Env is added to the agent's environment (the container's).
	Env        []string `json:"env,omitempty"`
	WorkingDir string   `json:"working_dir,omitempty"`
	// User is "uid", "uid:gid", "name" or "name:group".
	User string `json:"user,omitempty"`
	TTY  bool   `json:"tty,omitempty"`
	// Stdin says the client will send input; without it the process reads
	// /dev/null.
	Stdin  bool   `json:"stdin,omitempty"`
	Height uint16 `json:"height,omitempty"`
	Width  uint16 `json:"width,omitempty"`
}

// Started is the payload of a Started frame.
type Started struct {
	PID int `json:"pid"`
}

// Error codes of an [Error]; the client maps each to an errdefs class.
const (
	CodeNotFound        = "not_found"
	CodeInvalidArgument = "invalid_argument"
	CodePermission      = "permission_denied"
	CodeConflict        = "conflict"
	CodeUnavailable     = "unavailable"
	CodeNotImplemented  = "not_implemented"
	CodeInternal        = "internal"
)

// Error is the payload of an Error frame.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Stat describes a path, as Docker's X-Docker-Container-Path-Stat header.
type Stat struct {
	Name       string    `json:"name"`
	Size       int64     `json:"size"`
	Mode       uint32    `json:"mode"` // Go's os.FileMode bits
	Mtime      time.Time `json:"mtime"`
	LinkTarget string    `json:"linkTarget"`
}

// Health is the Result of OpHealth.
type Health struct {
	ExitCode int    `json:"exit_code"`
	Output   string `json:"output"`
}
