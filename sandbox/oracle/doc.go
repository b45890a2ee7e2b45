// Package oracle holds the sandbox's oracle test: shell snippets run both
// in the sandbox (through its public API) and under Debian's busybox-static,
// comparing standard output, whether anything went to standard error, and
// the exit status. Expected differences are listed, with their reasons, in
// sandbox/KNOWN_DIFFERENCES.md, which the test reads.
//
// Run it with `go test ./sandbox/oracle` (busybox-static is installed with
// apt-get when missing and the test runs as root; otherwise it fails). With
// -short it runs every fifth case plus the listed differences; with -stderr
// -v it also logs cases whose standard error text differs, to audit
// messages. TestSandboxOnly checks what busybox cannot be compared on (the
// container's identity, processes, host name, time zone).
//
// The package has no code of its own; see oracle_test.go.
package oracle
