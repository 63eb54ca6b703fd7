"""pyinfra side of the "tasks" scenario (see ../fleet/tasks.yml).

The captured value is a fact of the master (`Command`), read by every host's deploy; pyinfra
gathers it once, before any operation runs.
"""

import shlex

from pyinfra import host, inventory
from pyinfra.facts.server import Command
from pyinfra.operations import server

master = inventory.get_group("masters")[0]
token = master.get_fact(Command, "echo token-$(hostname)")

for step in range(1, 11):
    server.shell(name=f"step {step}", commands=[f"echo step {step} > /tmp/bench-$(hostname)-{step}"])

server.shell(name="use the token", commands=[f"echo {shlex.quote(token)} > /tmp/bench-$(hostname)-final"])
