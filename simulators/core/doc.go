// Package core is the library shared by the Sockerless cloud simulators
// (simulators/aws, simulators/gcp, simulators/azure). It holds what every
// simulator needs and no cloud's wire format: the HTTP server loop and its
// middleware ([serve]), request IDs ([reqid]), opaque pagination tokens
// ([pagetoken]), crash-only state under --data-dir ([state]) and the runner
// that executes workloads as real host processes ([process]).
package core
