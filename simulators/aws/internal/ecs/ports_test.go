package ecs

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestBindPorts(t *testing.T) {
	c := &container{def: containerDef{PortMappings: []portMapping{
		{ContainerPort: 9111, Protocol: "tcp"}, {ContainerPort: 53, Protocol: "udp"}, {ContainerPort: 8080},
	}}}
	env, err := bindPorts(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(env) != 2 || len(c.NetworkBindings) != 2 {
		t.Fatalf("env %v bindings %+v: want the two tcp ports", env, c.NetworkBindings)
	}
	for i, b := range c.NetworkBindings {
		want := PortEnvPrefix + strconv.Itoa(int(b.ContainerPort)) + "=" + strconv.Itoa(int(b.HostPort))
		if env[i] != want || b.BindIP != "127.0.0.1" || b.HostPort <= 0 {
			t.Errorf("binding %+v announced as %q", b, env[i])
		}
		// The port is free for the container to listen on.
		ln, err := net.Listen("tcp", "127.0.0.1:"+strings.SplitN(env[i], "=", 2)[1])
		if err != nil {
			t.Errorf("port of %+v is not free: %v", b, err)
			continue
		}
		ln.Close()
	}
}
