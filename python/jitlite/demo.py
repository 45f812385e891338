"""Runs a model end to end with jitlite and prints its top outputs.

    python -m jitlite.demo [MODEL.tflite] [--runs N]

Without a path it builds a small image classifier itself (random weights, no
download: jitlite.testing.demo_models.small_cnn). Inputs are seeded random
data of each input's dtype; the report shows the top-5 outputs of output 0,
the compile time and the median invoke latency.
"""
import argparse
import statistics
import time

import numpy as np

import jitlite


def _random_input(detail, rng):
    shape, dtype = detail["shape"], detail["dtype"]
    if np.issubdtype(dtype, np.floating):
        return rng.uniform(0.0, 1.0, size=shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -128), min(info.max, 127) + 1, size=shape).astype(dtype)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", help="a .tflite file (default: a built-in small CNN)")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)

    if args.model:
        interpreter = jitlite.Interpreter(model_path=args.model)
        name = args.model
    else:
        from jitlite.testing.demo_models import small_cnn
        interpreter = jitlite.Interpreter(model_content=small_cnn())
        name = "built-in small CNN (1x32x32x3 -> 10 classes)"
    interpreter.allocate_tensors()

    rng = np.random.default_rng(0)
    for detail in interpreter.get_input_details():
        interpreter.set_tensor(detail["index"], _random_input(detail, rng))
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        interpreter.invoke()
        times.append(time.perf_counter() - start)

    out_detail = interpreter.get_output_details()[0]
    out = interpreter.get_tensor(out_detail["index"]).reshape(-1)
    top = np.argsort(-out.astype(np.float64))[:5]
    jit = interpreter.get_jit_details()
    print(f"model: {name}")
    print(f"output '{out_detail['name']}' {out_detail['shape'].tolist()} top-5:")
    for rank, i in enumerate(top, 1):
        print(f"  {rank}. index {i}: {out[i]:.6g}")
    print(f"compile: {jit['compile_time_ms']:.1f} ms for {len(jit['kernels'])} kernels "
          f"on {jit['target_cpu']}")
    print(f"invoke: {statistics.median(times) * 1e3:.3f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
