"""Where each tool connects: the lab's sshds directly (RTT 0) or the delay proxy's ports."""

import dataclasses
import json
import os
import subprocess
import sys
import time

PROXY_BASE_PORT = 42000


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    address: str
    port: int


@dataclasses.dataclass(frozen=True)
class Target:
    """The hosts of one measurement and the files every tool uses to reach them."""
    endpoints: list
    user: str
    key: str
    known_hosts: str
    rtt_ms: float

    @property
    def master(self):
        return self.endpoints[0]


def lab_hosts(lab_dir):
    """The lab's hosts in order, master first, as recorded by `fleet lab up`."""
    with open(os.path.join(lab_dir, "lab.json")) as f:
        state = json.load(f)
    records = sorted(state["hosts"], key=lambda r: r["index"])
    return [r["host"] for r in records]


def host_keys(lab_dir):
    """address -> 'keytype base64' from the lab's known_hosts."""
    keys = {}
    with open(os.path.join(lab_dir, "known_hosts")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            address, keytype, key = line.split()[:3]
            keys[address] = f"{keytype} {key}"
    return keys


def direct_target(lab_dir, count):
    hosts = lab_hosts(lab_dir)[:count]
    return Target([Endpoint(h["name"], h["address"], h["port"]) for h in hosts], hosts[0]["user"],
                  os.path.join(lab_dir, "id_ed25519"), os.path.join(lab_dir, "known_hosts"), 0)


class DelayProxy:
    """The delay proxy in front of the first `count` lab hosts; a known_hosts for its ports."""

    def __init__(self, lab_dir, count, rtt_ms, work_dir):
        self.hosts = lab_hosts(lab_dir)[:count]
        self.lab_dir = lab_dir
        self.rtt_ms = rtt_ms
        self.known_hosts = os.path.join(work_dir, f"known_hosts-proxy-{count}")
        self.process = None

    def __enter__(self):
        keys = host_keys(self.lab_dir)
        routes, lines = [], []
        for i, host in enumerate(self.hosts):
            port = PROXY_BASE_PORT + i
            routes += ["--route", f"127.0.0.1:{port}={host['address']}:{host['port']}"]
            lines.append(f"[127.0.0.1]:{port} {keys[host['address']]}")
        with open(self.known_hosts, "w") as f:
            f.write("\n".join(lines) + "\n")
        script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "delayproxy.py")
        self.process = subprocess.Popen([sys.executable, script, "--rtt-ms", str(self.rtt_ms)] + routes,
                                        stdout=subprocess.PIPE, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("delay proxy did not start")
        return self

    def target(self):
        first = self.hosts[0]
        endpoints = [Endpoint(h["name"], "127.0.0.1", PROXY_BASE_PORT + i) for i, h in enumerate(self.hosts)]
        return Target(endpoints, first["user"], os.path.join(self.lab_dir, "id_ed25519"),
                      self.known_hosts, self.rtt_ms)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        time.sleep(0.2)  # let the listening ports go before the next proxy binds them
