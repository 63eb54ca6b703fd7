#!/bin/sh
# OpenSSH baseline, big output: 1 GiB from the first host to the local stdout.
# usage: bigout.sh SSH_CONFIG HOSTS.txt
config=$1 hosts=$2
ssh -F "$config" "$(head -n1 "$hosts")" head -c 1073741824 /dev/zero
