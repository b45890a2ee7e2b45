package cloud

import (
	"strings"
	"testing"
)

// User-defined networks on ECS: a security group that admits its own
// members, and a Cloud Map namespace publishing each running member's
// names (container name, aliases) at its task's address; both go with
// the network. A running task's groups are fixed, so connecting it is a
// 501.
func TestECSNetworks(t *testing.T) {
	t.Parallel()
	s := startECS(t)
	s.importImage(image)
	netID := strings.TrimSpace(s.mustDocker("network", "create", "app_net"))
	id := strings.TrimSpace(s.mustDocker("run", "-d", "--name", "db", "--network", "app_net", "--network-alias", "database", image, "sleep", "300"))

	var sgs struct {
		SecurityGroups []struct {
			GroupId       string
			IpPermissions []struct {
				IpProtocol       string
				UserIdGroupPairs []struct{ GroupId string }
			}
		}
	}
	s.aws(&sgs, "ec2", "describe-security-groups", "--filters", "Name=tag:sockerless:network,Values="+netID)
	if len(sgs.SecurityGroups) != 1 {
		t.Fatalf("security groups of the network: %+v", sgs.SecurityGroups)
	}
	sg := sgs.SecurityGroups[0]
	if p := sg.IpPermissions; len(p) != 1 || p[0].IpProtocol != "-1" || len(p[0].UserIdGroupPairs) != 1 || p[0].UserIdGroupPairs[0].GroupId != sg.GroupId {
		t.Errorf("ingress of %s: %+v, want all traffic from itself", sg.GroupId, p)
	}

	var tasks struct {
		Tasks []struct {
			Attachments []struct {
				Details []struct{ Name, Value string }
			}
		}
	}
	var arns struct{ TaskArns []string }
	s.aws(&arns, "ecs", "list-tasks", "--cluster", "sockerless", "--family", "sockerless-"+id)
	if len(arns.TaskArns) != 1 {
		t.Fatalf("tasks of db: %v", arns.TaskArns)
	}
	s.aws(&tasks, "ecs", "describe-tasks", "--cluster", "sockerless", "--tasks", arns.TaskArns[0])
	var eni, ip string
	for _, d := range tasks.Tasks[0].Attachments[0].Details {
		switch d.Name {
		case "networkInterfaceId":
			eni = d.Value
		case "privateIPv4Address":
			ip = d.Value
		}
	}
	var nis struct {
		NetworkInterfaces []struct{ Groups []struct{ GroupId string } }
	}
	s.aws(&nis, "ec2", "describe-network-interfaces", "--network-interface-ids", eni)
	var groups []string
	for _, g := range nis.NetworkInterfaces[0].Groups {
		groups = append(groups, g.GroupId)
	}
	if !strings.Contains(strings.Join(groups, " "), sg.GroupId) {
		t.Errorf("the task's interface has groups %v, want %s among them", groups, sg.GroupId)
	}

	// ListInstances rather than DiscoverInstances: the CLI sends the
	// latter to a "data-" host prefix, which an IP endpoint cannot take.
	discover := func(name string) []string {
		var svcs struct{ Services []struct{ Id, Name string } }
		s.aws(&svcs, "servicediscovery", "list-services")
		var ips []string
		for _, svc := range svcs.Services {
			if svc.Name != name {
				continue
			}
			var out struct {
				Instances []struct{ Attributes map[string]string }
			}
			s.aws(&out, "servicediscovery", "list-instances", "--service-id", svc.Id)
			for _, in := range out.Instances {
				ips = append(ips, in.Attributes["AWS_INSTANCE_IPV4"])
			}
		}
		return ips
	}
	for _, name := range []string{"db", "database"} {
		if got := discover(name); len(got) != 1 || got[0] != ip {
			t.Errorf("%s in Cloud Map: %v, want [%s]", name, got, ip)
		}
	}

	s.mustDocker("network", "create", "other")
	if r := s.docker("network", "connect", "other", "db"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "not supported by the ecs backend") {
		t.Errorf("network connect of a running task: exit %d %q", r.ExitCode, r.Stderr)
	}

	// After a crash the backend finds the task again, and still
	// withdraws its names when it stops.
	s.killBackend()
	s.startBackend()
	if out := s.mustDocker("ps", "--format", "{{.Names}}"); out != "db\n" {
		t.Errorf("docker ps after the backend restart: %q", out)
	}
	s.mustDocker("stop", "-t", "1", "db")
	if got := discover("db"); len(got) != 0 {
		t.Errorf("db still published after stop: %v", got)
	}
	s.mustDocker("rm", "db")
	s.mustDocker("network", "rm", "app_net", "other")
	s.aws(&sgs, "ec2", "describe-security-groups", "--filters", "Name=tag:sockerless:network,Values="+netID)
	var nss struct{ Namespaces []struct{ Name string } }
	s.aws(&nss, "servicediscovery", "list-namespaces")
	if len(sgs.SecurityGroups) != 0 || len(nss.Namespaces) != 0 {
		t.Errorf("left after network rm: security groups %+v, namespaces %+v", sgs.SecurityGroups, nss.Namespaces)
	}
}
