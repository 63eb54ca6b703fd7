#!/bin/sh
# OpenSSH baseline, tasks: one ControlMaster connection per host (ControlPersist), the capture on
# the master, then per host 10 steps and the step using the captured value, each an `ssh` that
# reuses the host's master connection. Hosts run in parallel.
# usage: tasks.sh SSH_CONFIG HOSTS.txt
set -e
config=$1 hosts=$2
sockets=$(mktemp -d)
trap 'for h in $(cat "$hosts"); do ssh -F "$config" -o ControlPath="$sockets/$h" -O exit "$h" 2>/dev/null || true; done; rm -rf "$sockets"' EXIT
xargs -P 0 -I{} ssh -F "$config" -o ControlMaster=yes -o ControlPersist=yes -o ControlPath="$sockets/{}" -fN {} < "$hosts"
master=$(head -n1 "$hosts")
token=$(ssh -F "$config" -o ControlPath="$sockets/$master" "$master" 'echo token-$(hostname)')
export config sockets token
xargs -P 0 -I{} sh -c '
  h=$1
  for i in 1 2 3 4 5 6 7 8 9 10; do
    ssh -F "$config" -o ControlPath="$sockets/$h" "$h" "echo step $i > /tmp/bench-\$(hostname)-$i"
  done
  ssh -F "$config" -o ControlPath="$sockets/$h" "$h" "echo $token > /tmp/bench-\$(hostname)-final"
' sh {} < "$hosts"
echo "$(wc -l < "$hosts") hosts, token $token"
