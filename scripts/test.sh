#!/usr/bin/env bash
# The test command: sets up, builds, and runs every test (GoogleTest via
# ctest, then pytest over tests/). Real models are read from ../shared/models
# when it exists; tests that need it skip with a reason otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
echo "== C++ tests (ctest)"
ctest --test-dir build --output-on-failure -j 2
echo "== Python tests (pytest)"
PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}" python3 -m pytest tests -q -p no:cacheprovider "$@"
