"""Side-by-side latency of jitlite and LiteRT on the same model, in one process.

    python -m jitlite.bench MODEL.tflite [--threads N] [--runs N] [--compare litert]
    python -m jitlite.bench --keras mobilenet_v2      # a Keras model, converted once and cached
    python -m jitlite.bench --markdown A.tflite --keras mobilenet_v2   # README table rows

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


def _models(args):
    """(name, bytes) for every model path and Keras name given."""
    for path in args.model:
        with open(path, "rb") as f:
            yield path, f.read()
    for name in args.keras:
        from jitlite.testing.keras_models import keras_model_path
        yield name, keras_model_path(name).read_bytes()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="*", help=".tflite files")
    parser.add_argument("--keras", action="append", default=[],
                        help="a Keras model name (jitlite.testing.keras_models); repeatable")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--compare", default="litert", choices=["litert"],
                        help="the reference runtime (LiteRT with its default resolver)")
    parser.add_argument("--markdown", action="store_true", help="print README table rows")
    args = parser.parse_args(argv)
    if not args.model and not args.keras:
        parser.error("give model paths or --keras NAME")
    if args.markdown:
        print("| model | threads | jitlite invoke ms | LiteRT invoke ms | ratio | "
              "jitlite allocate ms | LiteRT allocate ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, model in _models(args):
        r = compare(model, threads=args.threads, runs=args.runs)
        if args.markdown:
            print(f"| {name.rsplit('/', 1)[-1]} | {r['threads']} | {r['jitlite_invoke_ms']:.3f} | "
                  f"{r['litert_invoke_ms']:.3f} | {r['ratio']:.2f} | "
                  f"{r['jitlite_allocate_ms']:.1f} | {r['litert_allocate_ms']:.1f} |")
            continue
        print(f"{name} (threads={r['threads']}, median of {args.runs} alternating runs)")
        print(f"  allocate_tensors  jitlite {r['jitlite_allocate_ms']:9.2f} ms   "
              f"litert {r['litert_allocate_ms']:9.2f} ms")
        print(f"  invoke            jitlite {r['jitlite_invoke_ms']:9.3f} ms   "
              f"litert {r['litert_invoke_ms']:9.3f} ms")
        print(f"  ratio jitlite/litert (invoke): {r['ratio']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
