#!/usr/bin/env bash
# README command 1 on a fresh Debian/Ubuntu machine: install what is needed, build fleet,
# start three local SSH hosts (the lab) and run the demo cluster on them: a Redis primary
# with a generated password captured as a secret, two replicas that join with it, and the
# primary's replication status. Safe to run again: the second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build
fleet=.build/debug/fleet
"$fleet" lab up 3
inventory=.fleet/lab/inventory.yml
echo
echo "+ fleet run playbooks/demo/cluster.yml -i $inventory" >&2
status=0
"$fleet" run playbooks/demo/cluster.yml -i "$inventory" || status=$?
run=$(ls -t .fleet/lab/.fleet/logs 2>/dev/null | head -n 1)
status_file=$(ls .fleet/lab/.fleet/logs/"$run"/lab-master/*every-replica-connected.out 2>/dev/null | head -n 1)
if [ -n "$status_file" ]; then
    echo >&2
    echo "replication status on lab-master ($status_file):" >&2
    grep -E '^(role|connected_slaves|slave[0-9]+):' "$status_file" >&2 || true
fi
echo >&2
echo "kept captures (the password is masked): $fleet state -i $inventory" >&2
echo "remove the lab: $fleet lab down" >&2
exit $status
