"""Measures fleet with --persist on the run after a warm-up: the case of someone running fleet
again within the persist time (an ad-hoc command after a playbook, a re-run of one group).

The keeper is a process of its own that outlives each run, so the harness accounts for it by
hand: its CPU during the measured run (utime + stime from /proc, which include its finished
threads) is added to the run's, its memory to the tree's, and it is stopped afterwards.
"""

import os
import subprocess

from . import measure

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def keeper_pid(fleet, env):
    out = subprocess.run([fleet, "keeper", "status", "--json"], env=env, capture_output=True, text=True).stdout
    marker = '"pid":'
    if marker not in out:
        return None
    return int(out.split(marker, 1)[1].split(",", 1)[0].split("}", 1)[0])


def _cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _memory_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run(call, run_dir, fleet, exclude):
    warm = call.warm_up
    subprocess.run(warm.argv, env=warm.env, cwd=os.path.dirname(warm.argv[warm.argv.index("-i") + 1]),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    pid = keeper_pid(fleet, call.env)
    if pid is None:
        raise RuntimeError(f"no keeper after the warm-up run of {call.argv}")
    before = _cpu_seconds(pid)
    m = measure.run(call.argv, run_dir, "run", env=call.env, stdout_to_null=call.stdout_to_null,
                    exclude=set(exclude) | {pid})
    m.cpu += _cpu_seconds(pid) - before
    m.tree_rss_mb += _memory_kb(pid, "VmRSS") / 1024
    m.max_rss_mb = max(m.max_rss_mb, _memory_kb(pid, "VmHWM") / 1024)
    subprocess.run([fleet, "keeper", "stop"], env=call.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        os.waitpid(pid, 0)  # the harness is a subreaper: the keeper is its child by now
    except ChildProcessError:
        pass
    return m
