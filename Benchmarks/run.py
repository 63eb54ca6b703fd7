#!/usr/bin/env python3
"""Side-by-side benchmark of fleet against OpenSSH, Ansible, pyinfra and parallel-ssh.

    python3 Benchmarks/run.py --sizes 3,20,50 --rtt 0,40 --repeat 5 --scenarios adhoc,tasks,upload,bigout

Builds fleet (release), starts a lab of real sshd hosts (`fleet lab up`), installs the peers
from PyPI into Benchmarks/.venv, writes an equivalent inventory per tool, and runs every
scenario `--repeat` times per size and RTT, alternating tools. RTT > 0 goes through
Benchmarks/delayproxy.py. Prints the table and rewrites the generated part of
Docs/performance.md. Run as root (the lab needs network namespaces). See Benchmarks/README.md.
"""

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import endpoints, inventories, kept, measure, report, scale, tools  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
VENV = os.path.join(BENCH, ".venv")
PEERS = ["ansible-core", "pyinfra", "parallel-ssh"]


def step(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def build_fleet(scratch):
    # The build the README recommends for use: the Swift libraries linked in, which saves
    # every run the dynamic loading of Foundation (about 7 ms of CPU at start-up).
    step("building fleet (release, --static-swift-stdlib)")
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", scratch, "--product", "fleet"],
                   cwd=ROOT, check=True)
    return os.path.join(ROOT, scratch, "release", "fleet")


def ensure_venv():
    if not os.path.exists(os.path.join(VENV, "bin", "pyinfra")) or not os.path.exists(os.path.join(VENV, "bin", "ansible")):
        step("installing " + ", ".join(PEERS) + " into Benchmarks/.venv")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q"] + PEERS, check=True)


def fleet_has_run(fleet):
    """Whether this fleet has `fleet run` (the tasks and upload scenarios need it)."""
    listing = subprocess.run([fleet, "--help"], capture_output=True, text=True).stdout
    return any(line.split()[:1] == ["run"] for line in listing.splitlines())


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def clean_remote_files(task_files_too=False):
    """Removes what the scenarios wrote (lab hosts share this machine's /tmp).

    Before each run only the uploads go: an upload must not find its file already there. The
    `tasks` steps' small files stay until the benchmark ends, and each run writes over them, for
    every tool alike. Deleting them before each run made that run's creation of them wait on
    this machine's disk (ext4 mounted with `discard`): a 50-host `tasks` run took 1.09 s instead
    of 0.82 s with fleet and 1.23 s instead of 0.98 s with the C probe (six alternating runs each).
    """
    prefixes = ("bench-upload-lab-", "bench-lab-") if task_files_too else ("bench-upload-lab-",)
    for name in os.listdir("/tmp"):
        if name.startswith(prefixes):
            try:
                os.remove(os.path.join("/tmp", name))
            except OSError:
                pass


def measure_target(target, args, fleet, scenarios, work, upload_file, results, exclude):
    n = len(target.endpoints)
    forks = min(n, 50)
    paths = inventories.write_all(target, os.path.join(work, f"inv-{n}-{target.rtt_ms:g}"), forks)
    for scenario in scenarios:
        names = [t for t in tools.SCENARIO_TOOLS[scenario] if t in args.tools]
        if scenario in ("tasks", "upload") and not fleet_has_run(fleet):
            names = [t for t in names if t not in tools.FLEET_ROWS]
            print(f"   ({scenario}: `fleet run` does not exist yet, fleet skipped)", file=sys.stderr)
        if scenario == "tasks" and n > tools.ANSIBLE_KEPT_TASKS_MAX_HOSTS:
            names = [t for t in names if t != tools.ANSIBLE_KEPT]
        if scenario == "bigout" and (n != min(args.sizes) or target.rtt_ms > 0):
            continue  # one host prints: lab size does not matter; the Python proxy would be the bottleneck
        if not names:
            print(f"   ({scenario}: none of the chosen tools runs it; see Benchmarks/README.md)", file=sys.stderr)
            continue
        runs = {t: [] for t in names}
        for repeat in range(args.repeat):
            order = names[repeat % len(names):] + names[:repeat % len(names)]  # alternate who goes first
            for tool in order:
                run_dir = os.path.join(work, "runs", f"{scenario}-{n}-{target.rtt_ms:g}-{tool}-{repeat}")
                os.makedirs(run_dir, exist_ok=True)
                call = tools.invocation(tool, scenario, paths, fleet, forks, run_dir, upload_file)
                clean_remote_files()
                if call.warm_up:
                    m = kept.run(call, run_dir, fleet, exclude, between=clean_remote_files)
                else:
                    m = measure.run(call.argv, run_dir, "run", env=call.env, stdout_to_null=call.stdout_to_null,
                                    exclude=exclude)
                runs[tool].append(m)
                status = "ok" if m.rc == 0 else f"FAILED rc={m.rc} (see {m.stderr})"
                print(f"   {scenario:7} N={n:<3} RTT={target.rtt_ms:<3g} {tool:11} #{repeat + 1}: "
                      f"{m.wall:7.3f} s wall, {m.cpu:6.3f} s CPU, {m.machine_cpu:6.2f} s machine CPU, "
                      f"{m.max_rss_mb:5.0f} MB RSS  {status}",
                      file=sys.stderr, flush=True)
        results += [(scenario, n, target.rtt_ms, t, runs[t]) for t in names]
    clean_remote_files()  # uploads; task files stay for the next size (see clean_remote_files)


def run_scale(args, fleet, command):
    """`--scale N`: N lab hosts, one `fleet exec` and one 12-task `fleet run` with --forks N."""
    lab_dir = args.lab_dir or "/tmp/fleet-scale-lab"
    work = lab_dir + "-work"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    step(f"lab of {args.scale} hosts in {lab_dir}")
    subprocess.run([fleet, "lab", "up", str(args.scale), "--dir", lab_dir], check=True, stdout=subprocess.DEVNULL)
    # After the lab (see main): a first run's keeper, forked by the process GNU time waits
    # for, then becomes the harness's, to be measured and stopped.
    measure.become_subreaper()
    baseline = set(measure.descendants(os.getpid())[0])
    load_before = load()
    results = []
    try:
        target = endpoints.direct_target(lab_dir, args.scale)
        for repeat in range(args.repeat):
            run_dir = os.path.join(work, f"run-{repeat}")
            os.makedirs(run_dir)
            inventory = os.path.join(run_dir, "fleet.yml")  # fresh per run: no kept capture reused
            inventories.write_fleet(target, inventory)
            forks = str(args.scale)
            keeper_env = dict(os.environ, FLEET_KEEPER_DIR=os.path.join(run_dir, "keeper"))
            # `--persist 0`: one process, as the scale target asks. Then the defaults: a first
            # run, which forks, does the run in the child and stays as the keeper of its sessions.
            exec_argv = [fleet, "exec", "-i", inventory, "all", "--forks", forks, "--json"]
            run_argv = [fleet, "run", os.path.join(BENCH, "scenarios", "fleet", "tasks.yml"), "-i", inventory,
                        "--forks", forks, "--json"]
            calls = [("exec", exec_argv + ["--persist", "0", "--", "hostname"], None),
                     ("run", run_argv + ["--persist", "0"], None),
                     ("exec (first run)", exec_argv + ["--", "hostname"], keeper_env),
                     ("run (first run)", run_argv, keeper_env)]
            for label, argv, env in calls:
                clean_remote_files()
                r = scale.run_one(label, argv, run_dir, env=env, fleet=fleet, exclude=baseline)
                results.append(r)
                print(f"   {label:16} N={args.scale} #{repeat + 1}: rc={r.rc} {r.ok_hosts}/{r.hosts} ok, {r.wall:.2f} s wall, "
                      f"{r.cpu:.2f} s CPU, {r.peak_rss_mb:.0f} MB RSS, {r.peak_threads} threads, {r.peak_fds} fds "
                      f"(limit {r.fd_limit}), slowest {r.slowest_host} {r.slowest_seconds:.2f} s, keeper {r.keeper}",
                      file=sys.stderr, flush=True)
                if r.rc != 0:
                    print("   stderr: " + r.stderr_tail, file=sys.stderr)
    finally:
        load_after = load()
        clean_remote_files(task_files_too=True)
        if not args.keep_lab:
            subprocess.run([fleet, "lab", "down", "--dir", lab_dir], stderr=subprocess.DEVNULL)
    print(scale.table(results))
    if not args.no_docs:
        report.write_scale_markdown(os.path.join(ROOT, "Docs", "performance.md"), command,
                                    report.machine(os.path.join(VENV, "bin", "pip"), fleet),
                                    load_before, load_after, scale.table(results))
        step("wrote the scale section of Docs/performance.md")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3,20", help="lab sizes, comma-separated")
    parser.add_argument("--rtt", default="0,40", help="round-trip times in ms, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenarios", default="adhoc,tasks")
    parser.add_argument("--tools", default=",".join(tools.TOOLS))
    parser.add_argument("--lab-dir", help="default /tmp/fleet-bench-lab (/tmp/fleet-scale-lab with --scale)")
    parser.add_argument("--scale", type=int, metavar="N",
                        help="instead of the side-by-side scenarios: fleet exec and a 12-task fleet run on N hosts")
    parser.add_argument("--scratch-path", default=".build-bench")
    parser.add_argument("--no-build", action="store_true", help="use the fleet already built in --scratch-path")
    parser.add_argument("--keep-lab", action="store_true", help="leave the lab running at the end")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite Docs/performance.md")
    parser.add_argument("--section", default="results", metavar="NAME",
                        help="the generated section of Docs/performance.md to rewrite (default: the main one)")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.rtts = [float(r) for r in args.rtt.split(",")]
    args.tools = args.tools.split(",")
    unknown_tools = [t for t in args.tools if t not in tools.TOOLS]
    if unknown_tools:
        parser.error(f"unknown tools {unknown_tools}; known: {tools.TOOLS}")
    scenarios = args.scenarios.split(",")
    unknown = [s for s in scenarios if s not in tools.SCENARIO_TOOLS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; known: {list(tools.SCENARIO_TOOLS)}")
    if os.geteuid() != 0:
        parser.error("run as root: the lab puts every host in its own network namespace")

    # A SIGTERM unwinds like Ctrl-C, so the proxy and the lab are still stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    command = "python3 Benchmarks/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    fleet = (os.path.join(ROOT, args.scratch_path, "release", "fleet") if args.no_build
             else build_fleet(args.scratch_path))
    if args.scale:
        return run_scale(args, fleet, command)
    args.lab_dir = args.lab_dir or "/tmp/fleet-bench-lab"
    ensure_venv()
    if any(t in tools.PROBE_MODES for t in args.tools):
        step("compiling the C probe into Benchmarks/.probe/probe")
        tools.build_probe()
    work = os.path.join(args.lab_dir + "-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    upload_file = None
    if "upload" in scenarios:
        upload_file = os.path.join(work, "upload-100MB.bin")
        with open(upload_file, "wb") as f:
            f.write(os.urandom(100 * 1000 * 1000))

    step(f"lab of {max(args.sizes)} hosts in {args.lab_dir}")
    subprocess.run([fleet, "lab", "up", str(max(args.sizes)), "--dir", args.lab_dir], check=True,
                   stdout=subprocess.DEVNULL)
    # Only now: the lab's sshds (started with setsid -f) must not become the harness's orphans.
    measure.become_subreaper()
    baseline = set(measure.descendants(os.getpid())[0])
    load_before = load()
    results = []
    try:
        for n in args.sizes:
            for rtt in args.rtts:
                step(f"N={n}, RTT={rtt:g} ms")
                if rtt == 0:
                    measure_target(endpoints.direct_target(args.lab_dir, n), args, fleet, scenarios, work,
                                   upload_file, results, exclude=baseline)
                else:
                    with endpoints.DelayProxy(args.lab_dir, n, rtt, work) as proxy:
                        measure_target(proxy.target(), args, fleet, scenarios, work, upload_file, results,
                                       exclude=baseline | {proxy.process.pid})
    finally:
        load_after = load()
        clean_remote_files(task_files_too=True)
        if not args.keep_lab:
            subprocess.run([fleet, "lab", "down", "--dir", args.lab_dir], stderr=subprocess.DEVNULL)

    rows = report.summarize(results)
    print(report.table(rows))
    if not args.no_docs:
        notes = [f"- {max(args.sizes)}-host lab, forks = min(N, 50) for every tool; RTT > 0 through "
                 "Benchmarks/delayproxy.py (a Python process on the same 2 cores as the tools).",
                 "- fleet: a first run, with fleet's defaults: no keeper runs, so the run connects itself and then "
                 "stays in the background as the keeper of its sessions for 60 s (its CPU and memory count; max RSS "
                 "is that of the process the harness started, which waits for the run; tree RSS includes the run). "
                 f"{tools.NO_KEEP}: `--persist 0`, one process that connects itself. "
                 f"{tools.ONE_PLAY}: a first run of the tasks scenario written as one play, where the workers' "
                 "steps wait only in the step that reads the master's capture, not behind a play barrier (the "
                 "order c-pipelined runs them in). "
                 f"{tools.KEPT}: fleet again right after an unmeasured run, borrowing the sessions and task runners "
                 f"it left with the keeper. {tools.ANSIBLE_KEPT}: Ansible again right after an unmeasured run, reusing "
                 "its ControlPersist masters (its default, 60 s; ad-hoc, and tasks up to "
                 f"{tools.ANSIBLE_KEPT_TASKS_MAX_HOSTS} hosts). For the kept rows, CPU and RSS include what the "
                 "warm-up left running. Every other row starts cold: the harness stops whatever a tool leaves "
                 "running (fleet's keeper, Ansible's ControlPersist masters) after each run."]
        report.write_markdown(os.path.join(ROOT, "Docs", "performance.md"), command,
                              report.machine(os.path.join(VENV, "bin", "pip"), fleet),
                              load_before, load_after, rows, notes, name=args.section)
        step("wrote Docs/performance.md")


if __name__ == "__main__":
    main()
