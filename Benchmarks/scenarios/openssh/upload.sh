#!/bin/sh
# OpenSSH baseline, upload: `scp FILE HOST:/tmp/bench-upload-HOST` to every host at once.
# usage: upload.sh SSH_CONFIG HOSTS.txt FILE
config=$1 hosts=$2 file=$3
export config file
xargs -P 0 -I{} scp -q -F "$config" "$file" {}:/tmp/bench-upload-{} < "$hosts"
