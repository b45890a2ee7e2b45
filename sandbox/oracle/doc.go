// Package oracle holds the sandbox's oracle test: shell snippets run both
// in the sandbox (through its public API) and under Debian's busybox-static,
// comparing standard output, whether anything went to standard error, and
// the exit status. Expected differences are listed, with their reasons, in
// sandbox/KNOWN_DIFFERENCES.md, which the test reads.
//
// The package has no code of its own; see oracle_test.go.
package oracle
