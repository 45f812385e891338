#!/usr/bin/env bash
# Sets up, builds and runs a model end to end: the built-in small CNN, or the
# .tflite path given as the first argument. Prints its top outputs and latency.
set -euo pipefail
# Resolve a relative model path before changing directory.
args=()
for a in "$@"; do [ -f "$a" ] && a=$(realpath "$a"); args+=("$a"); done
cd "$(dirname "$0")/.."
JITLITE_SETUP_MINIMAL=1 bash scripts/setup.sh
bash scripts/build.sh
PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}" python3 -m jitlite.demo "${args[@]}"
