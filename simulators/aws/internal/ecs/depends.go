package ecs

import (
	"fmt"
	"strings"
)

// dependency is a container's startup dependency on another container of
// the task (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html).
type dependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

// checkDependsOn applies RegisterTaskDefinition's checks of dependsOn:
// the container exists, the condition is one of ECS's, an essential
// container is not the target of COMPLETE or SUCCESS, and the
// dependencies have no cycle. HEALTHY is refused: the simulator runs no
// container health checks, and answering it would be a fake.
func checkDependsOn(in *registerTaskDefinitionIn) error {
	defs := map[string]containerDef{}
	for _, c := range in.ContainerDefinitions {
		defs[c.Name] = c
	}
	for _, c := range in.ContainerDefinitions {
		for _, d := range c.DependsOn {
			target, ok := defs[d.ContainerName]
			if !ok {
				// ECS's message, stray "+" included.
				return clientErr("Cannot depend on container + '%s' because it does not exist", d.ContainerName)
			}
			switch d.Condition {
			case "START":
			case "COMPLETE", "SUCCESS":
				if target.essential() {
					return clientErr("A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
				}
			case "HEALTHY":
				return invalidParam("Container %s: dependsOn condition HEALTHY is not supported by sockerless-sim-aws: "+
					"it runs no container health checks (healthCheck); use START, COMPLETE or SUCCESS.", c.Name)
			case "":
				return clientErr("Container.dependsOn.condition should not be null or empty.")
			default:
				return clientErr("Invalid dependsOn condition: %s. Valid values are START, COMPLETE, SUCCESS and HEALTHY.", d.Condition)
			}
		}
	}
	if cycle := dependencyCycle(in.ContainerDefinitions); cycle != nil {
		return clientErr("Container dependencies form a cycle: %s", strings.Join(cycle, " -> "))
	}
	return nil
}

// dependencyCycle returns a cycle of dependsOn (its first container
// repeated at the end), or nil.
func dependencyCycle(defs []containerDef) []string {
	deps := map[string][]string{}
	for _, c := range defs {
		for _, d := range c.DependsOn {
			deps[c.Name] = append(deps[c.Name], d.ContainerName)
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	mark := map[string]int{}
	var path []string
	var visit func(string) []string
	visit = func(n string) []string {
		switch mark[n] {
		case done:
			return nil
		case visiting:
			for i, p := range path {
				if p == n {
					return append(append([]string{}, path[i:]...), n)
				}
			}
		}
		mark[n] = visiting
		path = append(path, n)
		for _, d := range deps[n] {
			if c := visit(d); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		mark[n] = done
		return nil
	}
	for _, c := range defs {
		if cycle := visit(c.Name); cycle != nil {
			return cycle
		}
	}
	return nil
}

// readiness is where a pending container stands with its dependencies.
type readiness int

const (
	waiting readiness = iota // a dependency has not met its condition yet
	ready                    // every dependency has met its condition
	blocked                  // a dependency can never meet its condition
)

// ready tells whether c may start; s.mu is held. As ECS's agent, a
// dependency resolves on START once it started, on COMPLETE once it
// exited, on SUCCESS once it exited 0; a SUCCESS dependency that exited
// otherwise, or a dependency that never started and never will, blocks
// c for good, with the agent's explanation.
func (t *task) ready(c *container) (readiness, string) {
	for _, d := range c.def.DependsOn {
		dep := t.container(d.ContainerName)
		if dep == nil {
			continue // checked at RegisterTaskDefinition
		}
		started := dep.started
		exited := dep.LastStatus == "STOPPED" && started
		switch {
		case dep.LastStatus == "STOPPED" && !started:
			return blocked, fmt.Sprintf("dependency graph: failed to resolve container ordering dependency [%s] for target [%s] because dependency will never start",
				dep.describe(), c.describe())
		case d.Condition == "START" && started:
		case d.Condition == "COMPLETE" && exited:
		case d.Condition == "SUCCESS" && exited:
			if dep.ExitCode == nil || *dep.ExitCode != 0 {
				return blocked, fmt.Sprintf("dependency graph: failed to resolve container ordering dependency [%s] for target [%s] as dependency did not exit successfully.",
					dep.describe(), c.describe())
			}
		default:
			return waiting, ""
		}
	}
	return ready, ""
}

// describe formats c as ECS's agent does in its dependency errors.
func (c *container) describe() string {
	known := "NONE"
	if c.started {
		known = c.LastStatus
	}
	s := fmt.Sprintf("%s(%s) (%s->RUNNING)", c.Name, c.Image, known)
	if c.ExitCode != nil {
		s += fmt.Sprintf(" - Exit: %d", *c.ExitCode)
	}
	return s
}

func (t *task) container(name string) *container {
	for _, c := range t.Containers {
		if c.Name == name {
			return c
		}
	}
	return nil
}
