#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build fleet, start three local
# SSH hosts (the lab) and run a command across them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
fleet=.build/debug/fleet
"$fleet" lab up 3
echo
echo "+ fleet exec -i .fleet/lab/inventory.yml all -- uptime" >&2
"$fleet" exec -i .fleet/lab/inventory.yml all -- uptime
