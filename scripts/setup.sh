#!/usr/bin/env bash
# Installs everything jitlite needs to build and test on a fresh Debian 12
# machine: LLVM 19, flatbuffers, GoogleTest, Google Benchmark (apt), and the
# Python packages (pip). Idempotent: skips what is already there.
#   JITLITE_SETUP_MINIMAL=1  skips the test-only packages (LiteRT, TensorFlow).
set -euo pipefail

APT_PACKAGES=(llvm-19-dev clang-19 libflatbuffers-dev flatbuffers-compiler
              libgtest-dev libbenchmark-dev libzstd-dev zlib1g-dev libedit-dev
              libxml2-dev ninja-build cmake)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# cmake and ninja may come from pip instead; only insist on them if absent.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    cmake) command -v cmake >/dev/null || filtered+=("$p") ;;
    ninja-build) command -v ninja >/dev/null || filtered+=("$p") ;;
    *) filtered+=("$p") ;;
  esac
done
if [ ${#filtered[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: apt-get install ${filtered[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${filtered[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
PIP_PACKAGES=(numpy pybind11 scikit-build-core flatbuffers pytest)
if [ "${JITLITE_SETUP_MINIMAL:-0}" != 1 ]; then
  # The reference runtime and the Keras converter, for tests and benchmarks.
  PIP_PACKAGES+=(ai-edge-litert tensorflow-cpu)
fi
need=()
for p in "${PIP_PACKAGES[@]}"; do
  mod=${p//-/_}
  case "$p" in
    ai-edge-litert) mod=ai_edge_litert ;;
    tensorflow-cpu) mod=tensorflow ;;
    scikit-build-core) mod=scikit_build_core ;;
  esac
  "$PY" -c "import importlib.util,sys; sys.exit(importlib.util.find_spec('$mod') is None)" 2>/dev/null || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: pip install ${need[*]}"
  "$PY" -m pip install -q "${need[@]}"
fi
echo "setup: done"
