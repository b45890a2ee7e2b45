package ecs

import (
	"fmt"
	"net"
	"strconv"
)

// PortEnvPrefix names the variables that tell a container which host port
// stands for one of its container ports: SOCKERLESS_SIM_PORT_9111=41234.
//
// # Notes
//
// Every awsvpc task on real ECS has its own network namespace, so two tasks
// may both listen on :9111. The simulator runs containers as host processes
// that share the host's network, so it gives each TCP container port of a
// task its own free port on the loopback interface, passes it in
// SOCKERLESS_SIM_PORT_<containerPort>, and reports it in the container's
// networkBindings (bindIP 127.0.0.1), where real awsvpc tasks report
// nothing and are reached at their ENI's private IP. A workload that wants
// to run unchanged on both listens on ${SOCKERLESS_SIM_PORT_P:-P}.
const PortEnvPrefix = "SOCKERLESS_SIM_PORT_"

// bindPorts picks a loopback port for each TCP port mapping of c, records
// the bindings and returns the variables that announce them. The port is
// free when picked; another process could take it before the container
// listens, which on a test host is rare enough to accept.
func bindPorts(c *container) ([]string, error) {
	var env []string
	c.NetworkBindings = nil
	for _, pm := range c.def.PortMappings {
		if pm.ContainerPort <= 0 || pm.Protocol != "" && pm.Protocol != "tcp" {
			continue
		}
		port, err := freePort()
		if err != nil {
			return nil, fmt.Errorf("bind container port %d: %w", pm.ContainerPort, err)
		}
		c.NetworkBindings = append(c.NetworkBindings, networkBinding{BindIP: "127.0.0.1",
			ContainerPort: pm.ContainerPort, HostPort: port, Protocol: "tcp"})
		env = append(env, PortEnvPrefix+strconv.Itoa(int(pm.ContainerPort))+"="+strconv.Itoa(int(port)))
	}
	return env, nil
}

func freePort() (int32, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return int32(ln.Addr().(*net.TCPAddr).Port), nil
}
