#!/usr/bin/env python3
"""parallel-ssh side of the benchmark: pssh_bench.py HOSTS.json adhoc|tasks|upload FILE|bigout.

One ParallelSSHClient keeps a session per host for the whole scenario; every step is a
`run_command` (a channel per step) joined before the next, as parallel-ssh is meant to be used.
parallel-ssh does not check host keys against known_hosts (it has no option for it).
"""

import json
import shlex
import sys

from pssh.clients import ParallelSSHClient, SSHClient
from pssh.config import HostConfig


def client(spec, hosts=None):
    hosts = hosts or spec["hosts"]
    return ParallelSSHClient([h["address"] for h in hosts], pool_size=max(len(hosts), 10), num_retries=0,
                             host_config=[HostConfig(user=spec["user"], port=h["port"], private_key=spec["key"],
                                                     allow_agent=False, num_retries=0) for h in hosts])


def check(output):
    failed = [o.host for o in output if o.exception is not None or o.exit_code != 0]
    if failed:
        sys.exit(f"failed on {failed}: {[o.exception for o in output if o.exception]}")


def adhoc(spec):
    output = client(spec).run_command("hostname", stop_on_errors=False)
    for host_out in output:
        for line in host_out.stdout:
            print(f"{host_out.host}: {line}")
    check(output)


def tasks(spec):
    ssh = client(spec)
    names = [h["name"] for h in spec["hosts"]]
    # The capture runs on the master only; the others run `true` in the same round (a barrier,
    # like a task that the other hosts skip).
    output = ssh.run_command("%s", host_args=["echo token-$(hostname)"] + ["true"] * (len(names) - 1),
                             stop_on_errors=False)
    ssh.join(output)
    token = list(output[0].stdout)[0]
    check(output)
    for step in range(1, 11):
        output = ssh.run_command(f"echo step {step} > /tmp/bench-$(hostname)-{step}", stop_on_errors=False)
        ssh.join(output)
        check(output)
    output = ssh.run_command(f"echo {shlex.quote(token)} > /tmp/bench-$(hostname)-final", stop_on_errors=False)
    ssh.join(output)
    check(output)
    print(f"{len(names)} hosts, token {token}")


def upload(spec, path):
    ssh = client(spec)
    # parallel-ssh formats both paths with copy_args; a mapping leaves the local path (which
    # has no placeholder) alone, where a tuple raises "not all arguments converted".
    greenlets = ssh.copy_file(path, "/tmp/bench-upload-%(name)s",
                              copy_args=[{"name": h["name"]} for h in spec["hosts"]])
    ssh.join()
    for greenlet in greenlets:
        greenlet.get()  # raises what failed
    print(f"uploaded to {len(spec['hosts'])} hosts")


def bigout(spec):
    master = spec["hosts"][0]
    ssh = SSHClient(master["address"], port=master["port"], user=spec["user"], pkey=spec["key"],
                    allow_agent=False, num_retries=0)
    host_out = ssh.run_command("head -c 1073741824 /dev/zero")
    total = 0
    # Raw chunks: the line iterator would hold the whole newline-free 1 GiB as one line.
    for chunk in host_out.buffers.stdout.rw_buffer:
        total += len(chunk)
    ssh.wait_finished(host_out)
    print(f"{total} bytes, exit {host_out.exit_code}")
    if total != 1073741824:
        sys.exit(1)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    scenario = sys.argv[2]
    if scenario == "upload":
        upload(spec, sys.argv[3])
    else:
        {"adhoc": adhoc, "tasks": tasks, "bigout": bigout}[scenario](spec)
