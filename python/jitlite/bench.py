"""Side-by-side latency of jitlite and LiteRT on the same model, in one process.

    python -m jitlite.bench MODEL.tflite [--threads N] [--runs N] [--compare litert]
    python -m jitlite.bench --keras mobilenet_v2      # a Keras model, converted once and cached
    python -m jitlite.bench --keras mobilenet_v2:int8 # ... full-integer quantized (or :float16)
    python -m jitlite.bench --markdown A.tflite --keras mobilenet_v2   # README table rows
    python -m jitlite.bench --corpus --markdown       # the benchmark corpus, with geometric means

Both interpreters get the same seeded inputs and num_threads; LiteRT uses its default resolver
(XNNPACK delegate). After a warm-up, their invokes alternate so that machine noise hits both
alike; the report gives each one's cold allocate_tensors time, the median invoke latency and the
ratio jitlite / LiteRT (below 1 means jitlite is faster). Ratios from one run are what to compare:
absolute times move from run to run on shared machines.
"""
import argparse
import math
import pathlib
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


# The benchmark corpus: Keras models (random weights, converted once and cached outside git),
# each float32 and full-integer int8, plus models of ../shared/models beside the checkout.
CORPUS_KERAS = ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
                "efficientnet_b0", "transformer_encoder", "lstm_classifier"]
CORPUS_SHARED = ["micro/mobilenet_v2_quantized_1x3x224x224.tflite", "micro/person_detect.tflite",
                 "ops/torchaudio_conformer.tflite", "micro/hello_world_float.tflite"]
SHARED_MODELS = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "models"


def _keras(spec):
    """'name' or 'name:int8' / 'name:float16' -> model bytes."""
    from jitlite.testing.keras_models import keras_model_path
    name, _, quantization = spec.partition(":")
    return keras_model_path(name, quantization=quantization or None).read_bytes()


def _models(args):
    """(name, bytes or None, note) for every model path and Keras spec given (None: skipped)."""
    paths = list(args.model)
    specs = list(args.keras)
    if args.corpus:
        specs += [f"{name}{variant}" for name in CORPUS_KERAS for variant in ("", ":int8")]
        paths += [str(SHARED_MODELS / p) for p in CORPUS_SHARED]
    for path in paths:
        try:
            with open(path, "rb") as f:
                yield path, f.read(), ""
        except OSError as error:
            yield path, None, f"not available ({error.strerror})"
    for spec in specs:
        try:
            yield spec, _keras(spec), ""
        except Exception as error:  # the converter refuses some combinations
            yield spec, None, f"conversion failed: {str(error).splitlines()[0][:80]}"


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
    parser.add_argument("--corpus", action="store_true",
                        help="the benchmark corpus (Keras float + int8, shared models)")
    args = parser.parse_args(argv)
    if not args.model and not args.keras and not args.corpus:
        parser.error("give model paths, --keras NAME or --corpus")
    if args.markdown:
        print("| model | threads | jitlite invoke ms | LiteRT invoke ms | ratio | "
              "jitlite allocate ms | LiteRT allocate ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
    ratios = {"float": [], "quantized": []}
    for name, model, note in _models(args):
        if model is not None:
            try:
                r = compare(model, threads=args.threads, runs=args.runs)
            except Exception as error:  # an op jitlite (or LiteRT) does not run
                note = f"{type(error).__name__}: {str(error).splitlines()[0][:100]}"
        if model is None or note:
            print(f"| {name.rsplit('/', 1)[-1]} | skipped: {note} |||||| " if args.markdown
                  else f"{name}: skipped ({note})")
            continue
        quantized = ":int8" in name or "quantized" in name or "person_detect" in name
        ratios["quantized" if quantized else "float"].append(r["ratio"])
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
    for kind, values in ratios.items():
        if len(values) > 1:
            geomean = math.exp(sum(math.log(v) for v in values) / len(values))
            print(f"geometric mean ratio, {kind} ({len(values)} models): {geomean:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
