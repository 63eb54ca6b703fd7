"""The scale check of issue 6: one `fleet exec` and one 12-task `fleet run` on hundreds of hosts.

fleet runs with `--forks N` (every host at once) and `--json`. While it runs, a sampler reads
the fleet process's /proc entry every 50 ms: threads and resident memory from `status`, open
descriptors from `fd/`. GNU time gives the peak RSS. The slowest host comes from the JSON
events (exec: `host_result.duration`; run: the recap's per-host `duration`).
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
    stderr_tail: str


class ProcessSampler(threading.Thread):
    """Peak threads and open descriptors of the process GNU time started (its only child)."""

    def __init__(self, time_pid):
        super().__init__(daemon=True)
        self.time_pid = time_pid
        self.peak_threads = 0
        self.peak_fds = 0
        self.fd_limit = "?"
        self.samples = 0
        self.stopping = threading.Event()

    def _child(self):
        try:
            with open(f"/proc/{self.time_pid}/task/{self.time_pid}/children") as f:
                children = f.read().split()
            return int(children[0]) if children else None
        except OSError:
            return None

    def run(self):
        pid = None
        while not self.stopping.is_set():
            pid = pid or self._child()
            if pid:
                try:
                    with open(f"/proc/{pid}/status") as f:
                        threads = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
                    fds = len(os.listdir(f"/proc/{pid}/fd"))
                    with open(f"/proc/{pid}/limits") as f:
                        row = next(line for line in f if line.startswith("Max open files"))
                        self.fd_limit = "/".join(row.split()[3:5])
                    self.peak_threads = max(self.peak_threads, threads)
                    self.peak_fds = max(self.peak_fds, fds)
                    self.samples += 1
                except (OSError, StopIteration):
                    pass  # between exec and exit the entry can vanish
            self.stopping.wait(SAMPLE_SECONDS)


def _host_times(label, stdout_path):
    """host -> seconds, and how many hosts succeeded, from fleet's JSON Lines."""
    times, ok = {}, 0
    with open(stdout_path) as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if label == "exec" and event.get("type") == "host_result":
                times[event["host"]] = event["duration"]
                ok += event.get("status") == "ok"
            elif event.get("type") == "recap":
                for host in event["hosts"]:
                    times[host["host"]] = host["duration"]
                    ok += host["failed"] == 0 and host["unreachable"] == 0
    return times, ok


def run_one(label, argv, work_dir):
    """Runs one fleet invocation under GNU time with the sampler; returns a ScaleResult."""
    os.makedirs(work_dir, exist_ok=True)
    out_path, err_path, time_path = (os.path.join(work_dir, f"{label}.{ext}") for ext in ("jsonl", "err", "time"))
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.monotonic()
        process = subprocess.Popen([measure.TIME, "-f", "%e %U %S %M", "-o", time_path] + argv, stdout=out,
                                   stderr=err, stdin=subprocess.DEVNULL, cwd=work_dir)
        sampler = ProcessSampler(process.pid)
        sampler.start()
        rc = measure.wait_exactly(process, 1800)
        wall = time.monotonic() - started
    sampler.stopping.set()
    sampler.join()
    with open(time_path) as f:
        _, user, system, rss_kb = f.read().strip().splitlines()[-1].split()
    times, ok = _host_times(label, out_path)
    slowest = max(times, key=times.get) if times else "?"
    ordered = sorted(times.values())
    with open(err_path, errors="replace") as f:
        tail = f.read()[-400:]
    return ScaleResult(label, len(times), rc, wall, float(user) + float(system), int(rss_kb) / 1024,
                       sampler.peak_threads, sampler.peak_fds, sampler.fd_limit, ok, slowest,
                       times.get(slowest, 0.0), ordered[len(ordered) // 2] if ordered else 0.0,
                       sampler.samples, tail)


def table(results):
    head = ["command", "hosts", "rc", "ok hosts", "wall s", "CPU s", "peak RSS MB", "peak threads",
            "peak fds", "fd limit soft/hard", "median host s", "slowest host (s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r.label, r.hosts, r.rc, r.ok_hosts, f"{r.wall:.2f}", f"{r.cpu:.2f}", f"{r.peak_rss_mb:.0f}",
                 r.peak_threads, r.peak_fds, r.fd_limit, f"{r.median_host_seconds:.2f}",
                 f"{r.slowest_host} ({r.slowest_seconds:.2f})"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)
