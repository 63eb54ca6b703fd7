"""The results table (terminal and Markdown) and Docs/performance.md's generated section."""

import os
import platform
import re
import statistics
import subprocess

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
SCALE_BEGIN, SCALE_END = "<!-- scale:begin -->", "<!-- scale:end -->"


def summarize(results):
    """[(scenario, n, rtt, tool, [Measurement])] -> rows of medians with ratios to fleet's wall time."""
    rows = []
    fleet_wall = {}
    for scenario, n, rtt, tool, runs in results:
        good = [m for m in runs if m.rc == 0]
        row = {"scenario": scenario, "n": n, "rtt": rtt, "tool": tool, "runs": len(runs), "ok": len(good)}
        if good:
            row.update(wall=statistics.median(m.wall for m in good), cpu=statistics.median(m.cpu for m in good),
                       rss=statistics.median(m.max_rss_mb for m in good),
                       tree=statistics.median(m.tree_rss_mb for m in good),
                       machine=statistics.median(m.machine_cpu for m in good),
                       walls=[m.wall for m in good])
            if tool == "fleet":
                fleet_wall[(scenario, n, rtt)] = row["wall"]
        rows.append(row)
    for row in rows:
        base = fleet_wall.get((row["scenario"], row["n"], row["rtt"]))
        row["ratio"] = row["wall"] / base if base and "wall" in row else None
    return rows


def host_tasks(scenario, n):
    """Commands the scenario runs across its hosts: one each for adhoc; for tasks the master's
    capture, ten steps on every host and the step that uses the capture."""
    return {"adhoc": n, "tasks": 11 * n + 1}.get(scenario)


def seconds(value):
    """Three decimals below 10 s, where the runs differ by milliseconds; two above."""
    return f"{value:.3f}" if value < 10 else f"{value:.2f}"


def table(rows):
    head = ["scenario", "N", "RTT ms", "tool", "median wall s", "× fleet", "CPU s", "CPU ms per host-task",
            "machine CPU s", "floor s", "max RSS MB", "tree RSS MB", "ok/runs", "all walls s"]
    cores = os.cpu_count() or 1
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "wall" in r:
            extra = ""
            if r["scenario"] == "bigout":
                extra = f" ({1024 / r['wall']:.0f} MiB/s)"
            count = host_tasks(r["scenario"], r["n"])
            cells = [r["scenario"], r["n"], f"{r['rtt']:g}", r["tool"], f"{seconds(r['wall'])}{extra}",
                     f"{r['ratio']:.1f}" if r["ratio"] else "", seconds(r["cpu"]),
                     f"{1000 * r['cpu'] / count:.2f}" if count else "", seconds(r["machine"]),
                     seconds(r["machine"] / cores), f"{r['rss']:.0f}",
                     f"{r['tree']:.0f}", f"{r['ok']}/{r['runs']}", " ".join(seconds(w) for w in r["walls"])]
        else:
            cells = [r["scenario"], r["n"], f"{r['rtt']:g}", r["tool"], "failed", "", "", "", "", "", "", "",
                     f"{r['ok']}/{r['runs']}", ""]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def _sh(command):
    try:
        return subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def _fleet_patches():
    """fleet's own libssh2 patches (`9N-name.patch`; Debian's are numbered below 90), by name."""
    folder = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "CLibSSH2", "libssh2", "patches")
    names = sorted(n for n in os.listdir(folder) if n[:1] == "9" and n.endswith(".patch"))
    return ", ".join(n[3:-len(".patch")].replace("-", " ") for n in names)


def _libssh2_version():
    """LIBSSH2_VERSION of the copy fleet builds."""
    header = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "Sources", "CLibSSH2", "include", "libssh2.h")
    with open(header) as f:
        for line in f:
            if line.startswith("#define LIBSSH2_VERSION "):
                return line.split('"')[1]
    return "?"


def machine(venv_pip, fleet_binary):
    cpu = _sh("lscpu | sed -n 's/^Model name: *//p'")
    memory = _sh("free -m | awk '/^Mem:/{print $2}'")
    versions = _sh(f"{venv_pip} list 2>/dev/null | grep -iE '^(ansible-core|pyinfra|parallel-ssh|ssh2-python|paramiko) '")
    return [
        f"- CPU: {cpu}, `nproc` = {os.cpu_count()}; memory {memory} MiB",
        f"- kernel {platform.release()}; {_sh('. /etc/os-release; echo $PRETTY_NAME')}",
        f"- libssh2 (fleet's and the C probes') {_libssh2_version()}, the copy in `Sources/CLibSSH2` "
        f"(fleet's patches: {_fleet_patches()}); {_sh('ssh -V 2>&1')}",
        f"- Python {platform.python_version()}; " + "; ".join(" ".join(line.split()) for line in versions.splitlines()),
        f"- fleet at commit {_sh('git rev-parse --short HEAD')}, release build `{fleet_binary}`",
    ]


def write_markdown(path, command, machine_lines, load_before, load_after, rows, notes, name="results"):
    """Rewrites the section `name` (`<!-- results:begin -->` by default; `--section NAME` gives
    `<!-- results-NAME:begin -->`, so runs of different sizes or scenarios can sit side by side)."""
    begin, end = (BEGIN, END) if name == "results" else (f"<!-- results-{name}:begin -->", f"<!-- results-{name}:end -->")
    title = "Latest run" if name == "results" else f"Run `{name}`"
    section = "\n".join([
        begin,
        f"## {title} (generated by `Benchmarks/run.py`)",
        "",
        f"Command: `{command}`",
        "",
        *machine_lines,
        f"- load average before: {load_before}; after: {load_after}",
        "",
        "Medians over the successful runs. CPU = user+sys of the tool's whole process tree (including",
        "processes it left behind, e.g. ControlPersist masters). max RSS = the largest single process",
        "(GNU time %M); tree RSS = the largest sum of RSS over the tree, sampled every 20 ms. machine",
        "CPU = the whole machine's busy time during the run (/proc/stat, 10 ms ticks), less the",
        "harness's own: the tool, the lab's sshds and the hosts' commands, which share the same cores",
        "(and, at RTT > 0, the delay proxy); floor = machine CPU / `nproc`, the least wall time those",
        "cores allow for that work.",
        "",
        table(rows),
        "",
        *notes,
        end,
    ])
    _replace_section(path, begin, end, section)


def write_scale_markdown(path, command, machine_lines, load_before, load_after, table_text):
    section = "\n".join([
        SCALE_BEGIN,
        "## Scale run (generated by `Benchmarks/run.py --scale N`)",
        "",
        f"Command: `{command}`",
        "",
        *machine_lines,
        f"- load average before: {load_before}; after: {load_after}",
        "",
        "`--forks N` (every host at once), `--json`. `exec` and `run`: `--persist 0`, one process; peak",
        "RSS from GNU time %M. The `(first run)` rows use the defaults: the process started waits while",
        "its forked child does the run and then stays as the keeper of the sessions; peak RSS is the sum",
        "of both processes' VmHWM, CPU that of both up to the command's end, and \"keeper after\" what the",
        "child holds then (it is stopped with `fleet keeper stop` before the next command). Peak threads",
        "and open descriptors: the busiest fleet process, sampled from /proc every 50 ms; fd limit as it",
        "saw it (after its start-up raise). Host times: exec `host_result.duration`, run the recap's",
        "per-host `duration` (first task's start to last task's end).",
        "",
        table_text,
        SCALE_END,
    ])
    _replace_section(path, SCALE_BEGIN, SCALE_END, section)


def _replace_section(path, begin, end, section):
    """Rewrites the text between `begin` and `end` (appending the markers when missing)."""
    text = open(path).read() if os.path.exists(path) else "# Performance\n"
    if begin not in text:
        text += "\n" + begin + "\n" + end + "\n"
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    with open(path, "w") as f:
        f.write(text)
