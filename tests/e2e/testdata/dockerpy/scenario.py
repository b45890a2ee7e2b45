"""Issue 3, acceptance 2: a docker-py scenario against DOCKER_HOST.

Usage: python3 scenario.py IMAGE. Prints "ok" and exits 0 when every
result is the one expected; otherwise an assertion names what differed.
"""
import io
import sys
import tarfile
import time

import docker
from docker.errors import APIError, NotFound

image = sys.argv[1]
cli = docker.from_env(timeout=60)
since = time.time() - 1


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


# Volumes and networks.
vol = cli.volumes.create(name="pyvol", labels={"suite": "dockerpy"})
expect(vol.attrs["Labels"] == {"suite": "dockerpy"}, "volume labels: %r" % vol.attrs)
expect(vol.attrs["Driver"] == "local", "volume driver: %r" % vol.attrs)
net = cli.networks.create("pynet", labels={"suite": "dockerpy"})
expect(net.attrs["Labels"] == {"suite": "dockerpy"}, "network labels: %r" % net.attrs)
other = cli.networks.create("pynet2", ipam=docker.types.IPAMConfig(
    pool_configs=[docker.types.IPAMPool(subnet="10.77.0.0/24")]))

try:
    cli.networks.create("pynet")
    raise AssertionError("duplicate network name accepted")
except APIError as e:
    expect(e.status_code == 409, "duplicate network: %r" % e)

# containers.run detached, with the volume and the network.
ctr = cli.containers.run(image, ["sh", "-c", "for i in 1 2 3; do echo line$i; done; exec sleep 3600"],
                         name="pyctr", detach=True, network="pynet",
                         volumes={"pyvol": {"bind": "/data", "mode": "rw"}})
ctr.reload()
expect(ctr.status == "running", "status %s" % ctr.status)
mounts = ctr.attrs["Mounts"]
expect(len(mounts) == 1 and mounts[0]["Name"] == "pyvol" and mounts[0]["Destination"] == "/data",
       "mounts: %r" % mounts)
expect("pynet" in ctr.attrs["NetworkSettings"]["Networks"], "networks: %r" % ctr.attrs["NetworkSettings"])

# Logs as a stream.
lines = []
for chunk in ctr.logs(stream=True, follow=True):
    lines.extend(chunk.decode().splitlines())
    if len(lines) >= 3:
        break
expect(lines[:3] == ["line1", "line2", "line3"], "logs: %r" % lines)

# exec_run writes to the volume.
res = ctr.exec_run(["sh", "-c", "echo from-exec > /data/x; cat /data/x"])
expect(res.exit_code == 0 and res.output == b"from-exec\n", "exec_run: %r" % (res,))
res = ctr.exec_run(["sh", "-c", "exit 4"])
expect(res.exit_code == 4, "exec_run exit code: %r" % (res,))

# put_archive / get_archive.
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as tf:
    data = b"archived\n"
    info = tarfile.TarInfo("hello.txt")
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))
expect(ctr.put_archive("/tmp", buf.getvalue()), "put_archive")
bits, stat = ctr.get_archive("/tmp/hello.txt")
expect(stat["name"] == "hello.txt" and stat["size"] == 9, "stat: %r" % stat)
with tarfile.open(fileobj=io.BytesIO(b"".join(bits))) as tf:
    got = tf.extractfile("hello.txt").read()
expect(got == b"archived\n", "get_archive: %r" % got)

# Connect with an alias and a static address, then disconnect.
other.connect(ctr, aliases=["pyalias"], ipv4_address="10.77.0.50")
ctr.reload()
ep = ctr.attrs["NetworkSettings"]["Networks"].get("pynet2")
expect(ep and ep["IPAddress"] == "10.77.0.50" and "pyalias" in ep["Aliases"], "endpoint: %r" % ep)
hosts = ctr.exec_run(["cat", "/etc/hosts"]).output.decode()
expect("pyalias" in hosts, "hosts after connect: %r" % hosts)
other.reload()
expect(ctr.id in other.attrs["Containers"], "network inspect containers: %r" % other.attrs["Containers"])
other.disconnect(ctr)
ctr.reload()
expect("pynet2" not in ctr.attrs["NetworkSettings"]["Networks"], "after disconnect: %r" % ctr.attrs["NetworkSettings"])

# A volume and a network in use cannot be removed.
try:
    vol.remove()
    raise AssertionError("removed a volume in use")
except APIError as e:
    expect(e.status_code == 409 and "volume is in use" in str(e), "volume in use: %r" % e)
try:
    net.remove()
    raise AssertionError("removed a network in use")
except APIError as e:
    expect(e.status_code == 403 and "has active endpoints" in str(e), "network in use: %r" % e)

ctr.stop(timeout=1)
ctr.remove()
vol.remove()
net.remove()
other.remove()
for getter, name in ((cli.volumes.get, "pyvol"), (cli.networks.get, "pynet"), (cli.containers.get, "pyctr")):
    try:
        getter(name)
        raise AssertionError("%s still exists" % name)
    except NotFound:
        pass

# Events filtered by container.
until = time.time() + 1
actions = [ev["Action"] for ev in cli.events(since=since, until=until, decode=True, filters={"container": "pyctr"})]
base = [a.split(":")[0] for a in actions]
for want in ("create", "start", "exec_create", "exec_start", "exec_die", "kill", "die", "stop", "destroy"):
    expect(want in base, "event %s missing from %r" % (want, actions))
expect(base.index("create") < base.index("start") < base.index("die") < base.index("destroy"), "event order %r" % actions)
types = {ev["Type"] for ev in cli.events(since=since, until=until, decode=True, filters={"network": "pynet2"})}
expect(types == {"network"}, "network events: %r" % types)
vol_actions = [ev["Action"] for ev in cli.events(since=since, until=until, decode=True, filters={"volume": "pyvol"})]
for want in ("create", "mount", "unmount", "destroy"):
    expect(want in vol_actions, "volume event %s missing from %r" % (want, vol_actions))
print("ok")
