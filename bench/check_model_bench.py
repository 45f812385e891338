"""Smoke check of model_bench's JSON (run by ctest): the FMA peak row, Invoke
at 1 and 2 threads, the allocate rows and per-kernel rows with FLOPs and a
share of the peak. Exits 77 (ctest: skipped) where ../shared/models is absent."""
import json
import pathlib
import subprocess
import sys

MODEL = "micro/hello_world_float.tflite"


def main(binary, models_dir):
    model = pathlib.Path(models_dir) / MODEL
    if not model.is_file():
        print(f"skipped: {model} is missing")
        return 77
    out = subprocess.run([binary, "--benchmark_min_time=0.01", "--benchmark_format=json"],
                         env={"JITLITE_BENCH_MODELS": str(model), "JITLITE_BENCH_KERNEL_INVOKES": "3",
                              "JITLITE_CACHE_DIR": "off"},
                         check=True, capture_output=True, text=True).stdout
    rows = {row["name"]: row for row in json.loads(out)["benchmarks"]}
    errors = [f"{name}: {row['error_message']}" for name, row in rows.items() if row.get("error_occurred")]
    assert not errors, errors
    assert rows["FmaPeak"]["GFLOP/s"] > 1, rows["FmaPeak"]
    stem = model.stem
    for suffix in ("Invoke/threads:1/real_time", "Invoke/threads:2/real_time", "AllocateCold",
                   "AllocateDiskCache", "AllocateCached"):
        assert f"{stem}/{suffix}" in rows, (suffix, sorted(rows))
    kernels = [row for name, row in rows.items() if name.startswith(f"{stem}/Kernel/")]
    assert len(kernels) == 3, sorted(rows)  # three FULLY_CONNECTED kernels
    assert sum(k["flops"] for k in kernels) == 2 * (16 + 256 + 16), kernels
    assert all(0 < k["pct_peak"] and k["GFLOP/s"] > 0 for k in kernels), kernels
    print(f"ok: {len(rows)} rows, peak {rows['FmaPeak']['GFLOP/s']:.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
