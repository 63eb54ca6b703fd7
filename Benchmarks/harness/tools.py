"""The command line of every tool for every scenario, built from the inventories of one target."""

import glob
import json
import os
import shutil
import subprocess

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = os.path.join(BENCH, "scenarios")
VENV_BIN = os.path.join(BENCH, ".venv", "bin")

PEERS = ["fleet", "openssh", "ansible", "pyinfra", "pssh"]
# The C probes (probe/probe.c, blocking libssh2, a thread per host), one per way of running tasks.
PROBE_MODES = {
    "c-channel": {"adhoc": "adhoc", "tasks": "tasks-channel"},  # a channel per command
    "c-runner": {"tasks": "tasks-runner"},                      # one sh channel, a round trip per task
    "c-pipelined": {"tasks": "tasks-pipelined"},                # one sh channel, the steps written at once
}
# fleet again, measured on a run right after an unmeasured one: the sessions and task runners the
# warm-up left with the keeper (60 seconds by default) are borrowed (harness/kept.py).
KEPT = "fleet-kept"
# fleet with --persist 0: no keeper, every run connects itself and leaves nothing running.
NO_KEEP = "fleet-nokeep"
# Ansible again right after an unmeasured run: its OpenSSH ControlPersist masters (60 s, its
# default) are reused. Only where a warm-up costs little: ad-hoc, and tasks up to 20 hosts.
ANSIBLE_KEPT = "ansible-kept"
ANSIBLE_KEPT_TASKS_MAX_HOSTS = 20
# fleet's first run of "tasks" written as one play (scenarios/fleet/tasks-one-play.yml): the
# workers' steps do not wait behind a play barrier for the master's capture, only the step that
# reads it does (dataflow), the order `c-pipelined` runs them in. The `fleet` row keeps
# Ansible's layout, two plays, where the second starts when the first has ended.
ONE_PLAY = "fleet-one-play"
FLEET_ROWS = ["fleet", KEPT, NO_KEEP, ONE_PLAY]
TOOLS = PEERS + [KEPT, NO_KEEP, ONE_PLAY, ANSIBLE_KEPT] + list(PROBE_MODES)
SCENARIO_TOOLS = {
    "adhoc": PEERS + [KEPT, NO_KEEP, ANSIBLE_KEPT, "c-channel"],
    "tasks": TOOLS,  # every tool; ONE_PLAY runs nothing else (its playbook is a tasks one)
    "upload": PEERS + [KEPT, NO_KEEP],
    "bigout": ["fleet", NO_KEEP, "openssh", "pssh"],  # Ansible and pyinfra keep whole outputs in memory
}
BIGOUT_BYTES = 1 << 30
PROBE_SOURCE = os.path.join(BENCH, "probe", "probe.c")
PROBE = os.path.join(BENCH, ".probe", "probe")
# The libssh2 fleet builds (Sources/CLibSSH2): the probes are compiled with the same copy, patch
# included, so a difference between fleet and a probe is never the library's.
LIBSSH2 = os.path.join(os.path.dirname(BENCH), "Sources", "CLibSSH2")


def build_probe():
    """Compiles the C probe and fleet's libssh2 into Benchmarks/.probe/probe (once per run.py invocation)."""
    os.makedirs(os.path.dirname(PROBE), exist_ok=True)
    libssh2_sources = sorted(glob.glob(os.path.join(LIBSSH2, "libssh2", "*.c")))
    subprocess.run(["cc", "-std=gnu11", "-O2", "-o", PROBE, PROBE_SOURCE] + libssh2_sources +
                   ["-I", os.path.join(LIBSSH2, "include"), "-I", os.path.join(LIBSSH2, "libssh2"),
                    "-DOPENSSL_API_COMPAT=0x10101000L", "-lcrypto", "-lpthread"], check=True)
    return PROBE


class Invocation:
    def __init__(self, argv, env=None, stdout_to_null=False, fresh_state=None, warm_up=None):
        self.argv = argv
        self.env = env
        self.stdout_to_null = stdout_to_null
        self.fresh_state = fresh_state  # a file to copy into the run's directory first (fleet state)
        self.warm_up = warm_up  # an Invocation run, unmeasured, right before this one


def invocation(tool, scenario, paths, fleet_binary, forks, run_dir, upload_file=None):
    """argv and environment, or None when the tool has no such scenario."""
    if scenario not in SCENARIO_TOOLS or tool not in SCENARIO_TOOLS[scenario]:
        return None
    if tool in PROBE_MODES:
        return _probe(PROBE_MODES[tool][scenario], paths, forks)
    return globals()[f"_{tool.replace('-', '_')}"](scenario, paths, fleet_binary, forks, run_dir, upload_file)


def _probe(mode, paths, forks):
    with open(paths["probe"]) as f:
        spec = json.load(f)
    return Invocation([PROBE, mode, "--user", spec["user"], "--key", spec["key"], "--known-hosts", spec["known_hosts"],
                       "--forks", str(forks)] + spec["targets"])


def _fleet(scenario, paths, fleet, forks, run_dir, upload_file):
    """A first run: the keeper it starts (its own folder) is stopped with the rest after it."""
    # Captures are kept next to the inventory; a copy per run makes every run start cold.
    inventory = os.path.join(run_dir, "fleet.yml")
    shutil.copyfile(paths["fleet"], inventory)
    env = dict(os.environ, FLEET_KEEPER_DIR=os.path.join(run_dir, "keeper"))
    env.pop("FLEET_PERSIST", None)
    if scenario == "adhoc":
        return Invocation([fleet, "exec", "-i", inventory, "all", "--forks", str(forks), "--", "hostname"], env)
    if scenario == "bigout":
        return Invocation([fleet, "exec", "-i", inventory, "masters", "--", "head", "-c", str(BIGOUT_BYTES), "/dev/zero"],
                          env, stdout_to_null=True)
    playbook = os.path.join(SCENARIOS, "fleet", f"{scenario}.yml")
    extra = ["-e", f"upload_file={upload_file}"] if scenario == "upload" else []
    return Invocation([fleet, "run", playbook, "-i", inventory, "--forks", str(forks)] + extra, env)


def _fleet_one_play(scenario, paths, fleet, forks, run_dir, upload_file):
    return _fleet(scenario + "-one-play", paths, fleet, forks, run_dir, upload_file)


def _fleet_nokeep(scenario, paths, fleet, forks, run_dir, upload_file):
    call = _fleet(scenario, paths, fleet, forks, run_dir, upload_file)
    call.argv[2:2] = ["--persist", "0"]
    return call


def _fleet_kept(scenario, paths, fleet, forks, run_dir, upload_file):
    """The default (sessions kept for 60 s): the warm-up run (its own inventory copy, so no
    capture is reused) leaves its sessions with a keeper of the run's folder; the measured run
    borrows them."""
    return _with_warm_up(_fleet, scenario, paths, fleet, forks, run_dir, upload_file)


def _ansible_kept(scenario, paths, fleet, forks, run_dir, upload_file):
    return _with_warm_up(_ansible, scenario, paths, fleet, forks, run_dir, upload_file)


def _with_warm_up(make, scenario, paths, fleet, forks, run_dir, upload_file):
    """`make`'s invocation, preceded by an unmeasured one in a folder of its own that shares
    the measured run's environment (fleet's keeper folder, Ansible's ControlPath folder)."""
    warm_dir = run_dir + "-warm-up"
    os.makedirs(warm_dir, exist_ok=True)
    measured = make(scenario, paths, fleet, forks, run_dir, upload_file)
    warm = make(scenario, paths, fleet, forks, warm_dir, upload_file)
    warm.env = measured.env
    measured.warm_up = warm
    return measured


def _ansible_env(paths, run_dir):
    env = dict(os.environ, ANSIBLE_CONFIG=paths["ansible_cfg"], ANSIBLE_HOME=os.path.join(run_dir, "ansible-home"),
               ANSIBLE_LOCAL_TEMP=os.path.join(run_dir, "ansible-tmp"),
               ANSIBLE_SSH_CONTROL_PATH_DIR=os.path.join(run_dir, "cp"), ANSIBLE_NOCOLOR="1")
    env["PATH"] = VENV_BIN + os.pathsep + env["PATH"]
    return env


def _ansible(scenario, paths, fleet, forks, run_dir, upload_file):
    env = _ansible_env(paths, run_dir)
    if scenario == "adhoc":
        return Invocation([os.path.join(VENV_BIN, "ansible"), "all", "-i", paths["ansible"], "-m", "command",
                           "-a", "hostname"], env)
    extra = ["-e", f"upload_file={upload_file}"] if scenario == "upload" else []
    return Invocation([os.path.join(VENV_BIN, "ansible-playbook"), "-i", paths["ansible"],
                       os.path.join(SCENARIOS, "ansible", f"{scenario}.yml")] + extra, env)


def _pyinfra(scenario, paths, fleet, forks, run_dir, upload_file):
    env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ["PATH"])
    base = [os.path.join(VENV_BIN, "pyinfra"), "-y", "--parallel", str(forks)]
    if scenario == "adhoc":
        return Invocation(base + [paths["pyinfra"], "exec", "--", "hostname"], env)
    extra = ["--data", f"upload_file={upload_file}"] if scenario == "upload" else []
    return Invocation(base + extra + [paths["pyinfra"], os.path.join(SCENARIOS, "pyinfra", f"{scenario}.py")], env)


def _pssh(scenario, paths, fleet, forks, run_dir, upload_file):
    argv = [os.path.join(VENV_BIN, "python"), os.path.join(SCENARIOS, "pssh", "pssh_bench.py"), paths["pssh"], scenario]
    return Invocation(argv + ([upload_file] if scenario == "upload" else []))


def _openssh(scenario, paths, fleet, forks, run_dir, upload_file):
    argv = ["sh", os.path.join(SCENARIOS, "openssh", f"{scenario}.sh"), paths["ssh_config"], paths["hosts"]]
    return Invocation(argv + ([upload_file] if scenario == "upload" else []),
                      stdout_to_null=scenario == "bigout")
