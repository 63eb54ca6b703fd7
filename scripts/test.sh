#!/usr/bin/env bash
# The test command: installs what is needed, builds, runs the whole suite (unit tests and
# integration tests against real sshd hosts that the suite starts itself).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
# XCTest only: the suite has no Swift Testing tests, whose empty closing line would read as "no tests".
swift test --skip-build --disable-swift-testing "$@"
