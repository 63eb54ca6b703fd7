"""Runs one tool invocation and measures wall time, CPU of its whole process tree and memory.

The harness makes itself a child subreaper, so processes a tool leaves behind (OpenSSH
ControlPersist masters that Ansible starts, for example) are re-parented to it. After the tool
exits they are stopped and reaped, and `getrusage(RUSAGE_CHILDREN)` deltas then include the CPU
they spent: nothing escapes the controller's account.
"""

import ctypes
import dataclasses
import os
import resource
import signal
import subprocess
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
TIME = "/usr/bin/time"


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


@dataclasses.dataclass
class Measurement:
    wall: float
    cpu: float          # user + sys seconds of the tool and every descendant
    max_rss_mb: float   # the largest single process (GNU time %M)
    tree_rss_mb: float  # the largest sum over the tree, sampled every 20 ms
    rc: int
    stdout: str
    stderr: str
    machine_cpu: float  # busy seconds of the whole machine during the run (machine_busy_seconds)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU seconds every process on the machine has spent since boot, from /proc/stat.

    The lab's sshds, the hosts' shells and (at RTT > 0) the delay proxy run on the same cores
    as the tools, so a run cannot take less wall time than the machine's busy time during it
    divided by the cores: the floor for the work that run caused, on this machine. Counted:
    user, nice, system, irq and softirq (not idle, iowait or the hypervisor's steal), in clock
    ticks of 10 ms.
    """
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in f.readline().split()[1:8])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def _own_seconds():
    """The harness's own CPU (its RSS sampler reads /proc every 20 ms), left out of a run's
    machine CPU: it is the measurement's, not the work's."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def cpu_seconds(pid):
    """user + sys seconds of a live process, its finished threads included."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class ThreadClock:
    """CPU a live process spends from now on, to the nanosecond: /proc/PID/stat counts in
    clock ticks (10 ms), as much as a kept three-host run spends in all. Each thread's
    schedstat is exact, but a thread that ends in between takes its time along: then the
    tick count is used instead."""

    def __init__(self, pid):
        self.pid = pid
        self.start_threads = self._threads()
        self.start_ticks = cpu_seconds(pid)

    def _threads(self):
        found = {}
        try:
            for tid in os.listdir(f"/proc/{self.pid}/task"):
                try:
                    with open(f"/proc/{self.pid}/task/{tid}/schedstat") as f:
                        found[tid] = int(f.read().split()[0]) / 1e9
                except OSError:
                    pass
        except OSError:
            pass
        return found

    def elapsed(self):
        now = self._threads()
        if not set(self.start_threads) <= set(now):
            return cpu_seconds(self.pid) - self.start_ticks
        return sum(now.values()) - sum(self.start_threads.values())


def memory_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _process_table():
    """pid -> (ppid, rss pages) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        table[int(entry)] = (int(fields[1]), int(fields[21]))
    return table


def descendants(root, exclude=()):
    table = _process_table()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in exclude:
                found.append(child)
                stack.append(child)
    return found, table


class TreeSampler(threading.Thread):
    """Samples the summed RSS of the harness's descendants (minus `exclude`) until stopped."""

    def __init__(self, exclude):
        super().__init__(daemon=True)
        self.exclude = set(exclude)
        self.peak_pages = 0
        self.stopping = threading.Event()

    def run(self):
        me = os.getpid()
        while not self.stopping.is_set():
            pids, table = descendants(me, self.exclude)
            self.peak_pages = max(self.peak_pages, sum(table[p][1] for p in pids if p in table))
            self.stopping.wait(0.02)


def reap_leftovers(exclude):
    """Stops what a finished tool left running under the harness and reaps it."""
    pids, _ = descendants(os.getpid(), set(exclude))
    return stop(pids)


def stop(pids):
    """Sends SIGTERM to `pids` and reaps those that are the harness's children (5 s at most)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break  # not our child (a grandchild of a leftover), its parent reaps it
            if done:
                break
            time.sleep(0.01)
    return len(pids)


def wait_exactly(process, timeout):
    """Waits for `process` in a blocking waitpid, killing it after `timeout` seconds.

    `Popen.wait(timeout=...)` polls instead, sleeping up to 50 ms between looks, which rounds
    every wall time up to its next look (0.113, 0.163, 0.213 ... s): a 0.13 s run and a
    0.16 s one both read 0.17 s.
    """
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    try:
        return process.wait()
    finally:
        killer.cancel()


def run(argv, work_dir, label, env=None, stdout_to_null=False, exclude=(), timeout=1800):
    """Runs `argv` under GNU time; returns a Measurement. Output goes to files in work_dir."""
    stdout_path = os.devnull if stdout_to_null else os.path.join(work_dir, f"{label}.out")
    stderr_path = os.path.join(work_dir, f"{label}.err")
    time_path = os.path.join(work_dir, f"{label}.time")
    sampler = TreeSampler(exclude)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.start()
    busy_before = machine_busy_seconds() - _own_seconds()
    started = time.monotonic()
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen([TIME, "-f", "%e %U %S %M", "-o", time_path] + list(argv),
                                   stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=work_dir)
        rc = wait_exactly(process, timeout)
    wall = time.monotonic() - started
    machine_cpu = machine_busy_seconds() - _own_seconds() - busy_before
    sampler.stopping.set()
    sampler.join()
    reap_leftovers(exclude)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    max_rss_kb = 0
    try:
        with open(time_path) as f:
            last = f.read().strip().splitlines()[-1].split()
            max_rss_kb = int(last[3])
    except (OSError, IndexError, ValueError):
        pass
    page_kb = os.sysconf("SC_PAGE_SIZE") / 1024
    return Measurement(wall, cpu, max_rss_kb / 1024, sampler.peak_pages * page_kb / 1024, rc,
                       stdout_path, stderr_path, machine_cpu)
