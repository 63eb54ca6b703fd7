#!/usr/bin/env bash
# Installs what fleet needs on Debian/Ubuntu (OpenSSL's headers for the libssh2 that fleet builds
# from Sources/CLibSSH2, OpenSSH server for the lab,
# iproute2 for network namespaces, sudo, Redis for the demo; python3-jsonschema and chromium for
# the tests that check events against Docs/events.schema.json and render the HTML report;
# util-linux and bsdutils, essential on Debian, for prlimit, flock and script, without which three
# tests would skip) and builds fleet.
# Safe to run again: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libc6-dev libssl-dev openssh-server openssh-client iproute2 sudo redis-server procps util-linux bsdutils python3-jsonschema chromium)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The demo starts its own redis-server processes; the packaged service is not needed.
    "${as_root[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
fi

command -v swift >/dev/null || { echo "error: swift is not on PATH (Swift 6 toolchain needed, see swift.org)" >&2; exit 1; }
