"""Measures a run right after an unmeasured warm-up run of the same tool: the case of someone
running it again soon (an ad-hoc command after a playbook, a re-run of one group), with
whatever the tool keeps between runs by default: fleet's keeper (sessions and task runners,
60 seconds), Ansible's OpenSSH ControlPersist masters (60 seconds).

What the warm-up leaves running outlives each run, so the harness accounts for it by hand: its
CPU during the measured run (`measure.ThreadClock`: each thread's exact time) is added
to the run's, its memory to the tree's, and it is stopped afterwards.
"""

import os
import subprocess

from . import measure


def run(call, run_dir, fleet, exclude, between=None):
    """`between` runs after the warm-up: removing what it wrote on the hosts, so that an upload
    is measured as one and not as a re-run that finds the file already there."""
    warm = call.warm_up
    subprocess.run(warm.argv, env=warm.env, cwd=run_dir + "-warm-up",
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    if between:
        between()
    kept, _ = measure.descendants(os.getpid(), set(exclude))  # the harness is a subreaper: they are its own
    if not kept:
        raise RuntimeError(f"nothing kept running after the warm-up run of {warm.argv}")
    clocks = [measure.ThreadClock(pid) for pid in kept]
    m = measure.run(call.argv, run_dir, "run", env=call.env, stdout_to_null=call.stdout_to_null,
                    exclude=set(exclude) | set(kept))
    m.cpu += sum(clock.elapsed() for clock in clocks)
    m.tree_rss_mb += sum(measure.memory_kb(pid, "VmRSS") for pid in kept) / 1024
    m.max_rss_mb = max([m.max_rss_mb] + [measure.memory_kb(pid, "VmHWM") / 1024 for pid in kept])
    _stop(kept, fleet, call.env)
    return m


def _stop(pids, fleet, env):
    if "FLEET_KEEPER_DIR" in (env or {}):  # fleet's keeper: stopped the way a user would
        subprocess.run([fleet, "keeper", "stop"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    measure.stop(pids)
