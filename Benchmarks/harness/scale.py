"""The scale check of issue 6: one `fleet exec` and one 12-task `fleet run` on hundreds of hosts.

fleet runs with `--forks N` (every host at once) and `--json`, in two ways: `--persist 0` (one
process, nothing kept) and with the defaults (a first run: the process started waits while a
forked child does the run and then stays as the keeper of its sessions). While it runs, a
sampler reads the /proc entries of every fleet process under GNU time every 50 ms: threads,
open descriptors, peak resident memory (VmHWM). The slowest host comes from the JSON events
(exec: `host_result.duration`; run: the recap's per-host `duration`).
"""

import dataclasses
import json
import os
import subprocess
import threading
import time

from . import measure

SAMPLE_SECONDS = 0.05


@dataclasses.dataclass
class ScaleResult:
    label: str
    hosts: int
    rc: int
    wall: float
    cpu: float
    peak_rss_mb: float
    peak_threads: int
    peak_fds: int
    fd_limit: str
    ok_hosts: int
    slowest_host: str
    slowest_seconds: float
    median_host_seconds: float
    samples: int
    keeper: str  # what a first run left as the keeper: descriptors and memory ("—": none)
    stderr_tail: str


class ProcessSampler(threading.Thread):
    """Peaks over the fleet processes under GNU time (`time_pid`): the one it started and, on a
    first run, that one's forked child, which does the run and stays as the keeper.

    Threads and descriptors are those of the busiest process; memory is the sum of each
    process's own peak (VmHWM), which is what GNU time's %M gives for a single process.
    """

    def __init__(self, time_pid):
        super().__init__(daemon=True)
        self.time_pid = time_pid
        self.peak_threads = 0
        self.peak_fds = 0
        self.peak_kb = {}
        self.fd_limit = "?"
        self.samples = 0
        self.stopping = threading.Event()

    def sample(self):
        # The process GNU time started and, on a first run, that one's forked child.
        for pid in measure.descendants(self.time_pid)[0]:
            try:
                with open(f"/proc/{pid}/status") as f:
                    status = f.read()
                threads = int(status.split("Threads:")[1].split()[0])
                self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(status.split("VmHWM:")[1].split()[0]))
                fds = len(os.listdir(f"/proc/{pid}/fd"))
                if fds >= self.peak_fds:
                    with open(f"/proc/{pid}/limits") as f:
                        row = next(line for line in f if line.startswith("Max open files"))
                        self.fd_limit = "/".join(row.split()[3:5])
                self.peak_threads = max(self.peak_threads, threads)
                self.peak_fds = max(self.peak_fds, fds)
                self.samples += 1
            except (OSError, IndexError, StopIteration, ValueError):
                pass  # between exec and exit the entry can vanish

    def run(self):
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(SAMPLE_SECONDS)

    @property
    def peak_rss_mb(self):
        return sum(self.peak_kb.values()) / 1024


def _host_times(label, stdout_path):
    """host -> seconds, and how many hosts succeeded, from fleet's JSON Lines."""
    times, ok = {}, 0
    with open(stdout_path) as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if label.startswith("exec") and event.get("type") == "host_result":
                times[event["host"]] = event["duration"]
                ok += event.get("status") == "ok"
            elif event.get("type") == "recap":
                for host in event["hosts"]:
                    times[host["host"]] = host["duration"]
                    ok += host["failed"] == 0 and host["unreachable"] == 0
    return times, ok


def run_one(label, argv, work_dir, env=None, fleet=None, exclude=()):
    """Runs one fleet invocation under GNU time with the sampler; returns a ScaleResult.

    With `env` naming a FLEET_KEEPER_DIR the run is a first run: what stays as the keeper is
    measured once the command has returned (its CPU so far, its descriptors and memory), then
    stopped with `fleet keeper stop`, as a user would.
    """
    os.makedirs(work_dir, exist_ok=True)
    out_path, err_path, time_path = (os.path.join(work_dir, f"{label}.{ext}") for ext in ("jsonl", "err", "time"))
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.monotonic()
        process = subprocess.Popen([measure.TIME, "-f", "%e %U %S %M", "-o", time_path] + argv, stdout=out,
                                   stderr=err, stdin=subprocess.DEVNULL, cwd=work_dir, env=env)
        sampler = ProcessSampler(process.pid)
        sampler.start()
        rc = measure.wait_exactly(process, 1800)
        wall = time.monotonic() - started
    sampler.stopping.set()
    sampler.join()
    with open(time_path) as f:
        _, user, system, rss_kb = f.read().strip().splitlines()[-1].split()
    cpu, peak_rss_mb, keeper = float(user) + float(system), int(rss_kb) / 1024, "—"
    left, _ = measure.descendants(os.getpid(), set(exclude))
    if left:
        # GNU time waited only for the process it started; the run went on in its child,
        # re-parented to the harness (a subreaper) and now the keeper.
        pid = left[0]
        cpu += measure.cpu_seconds(pid)
        peak_rss_mb = sampler.peak_rss_mb
        keeper = (f"{len(os.listdir(f'/proc/{pid}/fd'))} fds, "
                  f"{measure.memory_kb(pid, 'VmRSS') / 1024:.0f} MB")
        subprocess.run([fleet, "keeper", "stop"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        measure.stop(left)
    times, ok = _host_times(label, out_path)
    slowest = max(times, key=times.get) if times else "?"
    ordered = sorted(times.values())
    with open(err_path, errors="replace") as f:
        tail = f.read()[-400:]
    return ScaleResult(label, len(times), rc, wall, cpu, peak_rss_mb,
                       sampler.peak_threads, sampler.peak_fds, sampler.fd_limit, ok, slowest,
                       times.get(slowest, 0.0), ordered[len(ordered) // 2] if ordered else 0.0,
                       sampler.samples, keeper, tail)


def table(results):
    head = ["command", "hosts", "rc", "ok hosts", "wall s", "CPU s", "peak RSS MB", "peak threads",
            "peak fds", "fd limit soft/hard", "median host s", "slowest host (s)", "keeper after"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.label, r.hosts, r.rc, r.ok_hosts, f"{r.wall:.2f}", f"{r.cpu:.2f}", f"{r.peak_rss_mb:.0f}",
                 r.peak_threads, r.peak_fds, r.fd_limit, f"{r.median_host_seconds:.2f}",
                 f"{r.slowest_host} ({r.slowest_seconds:.2f})", r.keeper]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)
