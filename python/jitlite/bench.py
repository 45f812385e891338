"""Side-by-side latency of jitlite and LiteRT on the same model, in one process.

    python -m jitlite.bench MODEL.tflite [--threads N] [--runs N] [--compare litert]
    python -m jitlite.bench --keras mobilenet_v2      # a Keras model, converted once and cached

Both interpreters get the same seeded inputs and num_threads; LiteRT uses its default resolver
(XNNPACK delegate). After a warm-up, their invokes alternate so that machine noise hits both
alike; the report gives each one's cold allocate_tensors time, the median invoke latency and the
ratio jitlite / LiteRT (below 1 means jitlite is faster). Ratios from one run are what to compare:
absolute times move from run to run on shared machines.
"""
import argparse
import statistics
import time

import numpy as np

from jitlite.testing import random_inputs


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _prepare(cls, model, inputs, threads):
    """Constructs and allocates an interpreter; returns it and the allocate time (s)."""
    interpreter = cls(model_content=model, num_threads=threads)
    seconds = _timed(interpreter.allocate_tensors)
    for detail, value in zip(interpreter.get_input_details(), inputs):
        interpreter.set_tensor(detail["index"], value)
    return interpreter, seconds


def compare(model, threads=1, runs=50, warmup=5):
    """Returns a dict of timings (ms) and the jitlite / LiteRT invoke ratio."""
    from ai_edge_litert.interpreter import Interpreter as LiteRT

    from jitlite import Interpreter

    inputs = random_inputs(model, seed=0)
    ours, ours_alloc = _prepare(Interpreter, model, inputs, threads)
    theirs, theirs_alloc = _prepare(LiteRT, model, inputs, threads)
    for _ in range(warmup):
        ours.invoke()
        theirs.invoke()
    ours_times, theirs_times = [], []
    for _ in range(runs):
        ours_times.append(_timed(ours.invoke))
        theirs_times.append(_timed(theirs.invoke))
    ours_ms = statistics.median(ours_times) * 1e3
    theirs_ms = statistics.median(theirs_times) * 1e3
    return {
        "threads": threads,
        "jitlite_allocate_ms": ours_alloc * 1e3,
        "litert_allocate_ms": theirs_alloc * 1e3,
        "jitlite_invoke_ms": ours_ms,
        "litert_invoke_ms": theirs_ms,
        "ratio": ours_ms / theirs_ms,
    }


def _load(args):
    if args.keras:
        from jitlite.testing.keras_models import keras_model_path
        return args.keras, keras_model_path(args.keras).read_bytes()
    with open(args.model, "rb") as f:
        return args.model, f.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", help="a .tflite file")
    parser.add_argument("--keras", help="a Keras model name (jitlite.testing.keras_models)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--compare", default="litert", choices=["litert"],
                        help="the reference runtime (LiteRT with its default resolver)")
    args = parser.parse_args(argv)
    if bool(args.model) == bool(args.keras):
        parser.error("give a model path or --keras NAME")
    name, model = _load(args)
    r = compare(model, threads=args.threads, runs=args.runs)
    print(f"{name} (threads={r['threads']}, median of {args.runs} alternating runs)")
    print(f"  allocate_tensors  jitlite {r['jitlite_allocate_ms']:9.2f} ms   "
          f"litert {r['litert_allocate_ms']:9.2f} ms")
    print(f"  invoke            jitlite {r['jitlite_invoke_ms']:9.3f} ms   "
          f"litert {r['litert_invoke_ms']:9.3f} ms")
    print(f"  ratio jitlite/litert (invoke): {r['ratio']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
