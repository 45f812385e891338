#!/usr/bin/env bash
# Installs jitlite from the build tree into a temporary prefix, then builds
# examples/ as a standalone CMake project with find_package(jitlite) and runs
# it on a model when ../shared/models is there.
set -euo pipefail
build_dir=$1; source_dir=$2
prefix=$(mktemp -d); trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
cmake -S "$source_dir/examples" -B "$prefix/ex" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/ex" >/dev/null
model="$source_dir/../shared/models/micro/hello_world_float.tflite"
if [ -f "$model" ]; then
  "$prefix/ex/jitlite_run_model" "$model" | tee "$prefix/out.txt"
  grep -q "invoke:" "$prefix/out.txt"
else
  echo "skipped the run: $model is absent"
fi
