#!/bin/sh
# OpenSSH baseline, ad-hoc: one `ssh HOST hostname` per host, all at once.
# usage: adhoc.sh SSH_CONFIG HOSTS.txt
config=$1 hosts=$2
xargs -P 0 -I{} ssh -F "$config" {} hostname < "$hosts"
