"""Helpers shared by the per-op tests (tests/ops/test_<op>.py), on top of jitlite.testing.

- `check_op` (re-exported) compares one op with LiteRT on random inputs;
- `check_values` does the same on given inputs (special values: NaN, inf, -0);
- `assert_rejected` checks that jitlite refuses a model with the given exception and message
  (and, for what TFLite itself rejects, that LiteRT refuses it too);
- `rand` makes deterministic float32 constants (filters, biases).
"""

import pathlib

import numpy as np
import pytest

from jitlite.testing import (
    assert_outputs_match,
    build_op_model,
    check_op,
    jitlite_interpreter,
    litert_interpreter,
    random_inputs,
    run_model,
)

F32, I32, I64 = np.float32, np.int32, np.int64

ACTIVATIONS = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"]

# LiteRT without XNNPACK: TFLite's own optimized kernels. Used where XNNPACK and TFLite's
# kernels disagree and jitlite follows TFLite (each use says why).
TFLITE_KERNELS = litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES")

# TFLite's reference kernels: what quantized results must match bit for bit (the default
# resolver's XNNPACK and optimized int8 kernels round differently, by up to a step).
REFERENCE_KERNELS = litert_interpreter("BUILTIN_REF")

# op -> the largest difference (in quantized steps) seen between LiteRT's default resolver and
# its reference kernels over the check_quantized cases; printed in the pytest summary.
DEFAULT_RESOLVER_STEPS = {}

__all__ = ["ACTIVATIONS", "F32", "I32", "I64", "REFERENCE_KERNELS", "TFLITE_KERNELS",
           "ALL_INT16", "assert_rejected", "check_every_value", "check_op", "check_quantized",
           "check_value_inputs", "check_values", "rand", "shape_id"]

# Every int16 value once: for unary int16 ops, a whole-domain comparison.
ALL_INT16 = np.arange(-32768, 32768).astype(np.int16)


def rand(shape, seed=0, low=-1.0, high=1.0):
    """Deterministic float32 array, uniform in [low, high)."""
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


def shape_id(value):
    """Compact pytest id for a shape or a tuple of shapes."""
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
        return "_".join(shape_id(v) for v in value)
    if isinstance(value, tuple):
        return "x".join(str(d) for d in value) or "scalar"
    return str(value)


def check_quantized(op, inputs, constants=(), options=None, **kwargs):
    """check_op for quantized models: jitlite must equal LiteRT's reference kernels exactly.

    Also runs LiteRT's default resolver on the same model and inputs and records how many
    quantized steps it differs by (DEFAULT_RESOLVER_STEPS, reported, not asserted).
    """
    result = check_op(op, inputs, constants, options, reference=REFERENCE_KERNELS, **kwargs)
    try:
        default = run_model(litert_interpreter(), result.model, result.inputs)
    except RuntimeError:  # XNNPACK refuses some valid models (e.g. odd bias scales)
        return result
    steps = 0
    for got, ref in zip(default, result.expected):
        if got.size and np.issubdtype(got.dtype, np.integer):
            steps = max(steps, int(np.max(np.abs(got.astype(np.int64) - ref.astype(np.int64)))))
    DEFAULT_RESOLVER_STEPS[op] = max(DEFAULT_RESOLVER_STEPS.get(op, 0), steps)
    return result


def check_every_value(op, dtype, in_quant, out_quant, options=None, values=None):
    """A one-input quantized op on every stored value of `dtype` (or the given `values`) against
    LiteRT's reference kernels, bit-exact; `in_quant`/`out_quant` are (scale, zero point)."""
    if values is None:
        info = np.iinfo(dtype)
        values = np.arange(info.min, info.max + 1).astype(dtype)
    model = build_op_model(op, [(values.shape, dtype,
                                 dict(scale=in_quant[0], zero_point=in_quant[1]))],
                           options=options, output_shapes=[list(values.shape)],
                           output_quant=dict(scale=out_quant[0], zero_point=out_quant[1]))
    expected = run_model(REFERENCE_KERNELS, model, [values])
    actual = run_model(jitlite_interpreter(), model, [values])
    assert_outputs_match(actual, expected, context=f"{op} {in_quant} -> {out_quant} {options}")


def check_value_inputs(op, value_sets, constants=(), options=None, *, fixed=None, **build):
    """An op whose shape-deciding inputs (a new shape, axes, multiples, ...) are runtime graph
    inputs: one model, run with each set of input values in turn on one LiteRT and one jitlite
    interpreter (jitlite compiles per distinct value set, and reuses what it compiled when values
    repeat); outputs, shapes included, must match. `fixed` maps input positions to constants
    placed there (between runtime inputs). Returns jitlite's get_jit_details()."""
    first = [np.asarray(v) for v in value_sets[0]]
    specs = [(v.shape, v.dtype) for v in first]
    for position, value in sorted((fixed or {}).items()):
        specs.insert(position, value)
    model = build_op_model(op, specs, constants, options, **build)
    runtimes = [litert_interpreter()(model_content=model), jitlite_interpreter()(model_content=model)]
    for runtime in runtimes:
        runtime.allocate_tensors()
    for values in value_sets:
        outputs = []
        for runtime in runtimes:
            for detail, value in zip(runtime.get_input_details(), values):
                runtime.set_tensor(detail["index"], np.asarray(value))
            runtime.invoke()
            outputs.append([runtime.get_tensor(d["index"]) for d in runtime.get_output_details()])
        assert_outputs_match(outputs[1], outputs[0], context=f"{op} values={values}")
    return runtimes[1].get_jit_details()


def check_values(op, values, constants=(), options=None, *, reference=None, output_dtype=None,
                 output_quant=None):
    """Runs `op` on the given input arrays in jitlite and `reference` (LiteRT) and compares."""
    values = [np.asarray(v) for v in values]
    specs = [(v.shape, v.dtype) for v in values]
    build = dict(op=op, inputs=specs, constants=constants, options=options,
                 output_dtypes=output_dtype, output_quant=output_quant)
    reference = reference or litert_interpreter()
    expected = run_model(reference, build_op_model(**build), values)
    model = build_op_model(**build, output_shapes=[list(e.shape) for e in expected])
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected, context=f"{op} options={options or {}}")


def assert_rejected(op, inputs, constants=(), options=None, *, match, error=RuntimeError,
                    litert_rejects=False, **build):
    """Asserts that jitlite raises `error` matching `match` for the one-op model.

    Errors of Prepare surface at allocate_tensors (RuntimeError); constructor errors are
    ValueError. With litert_rejects=True the same model must fail in LiteRT too (any
    exception): the case is something TFLite itself refuses, not a jitlite gap.
    """
    model = build_op_model(op, inputs, constants, options, **build)
    values = random_inputs(model, interpreter_cls=_SpecReader)
    with pytest.raises(error, match=match):
        run_model(jitlite_interpreter(), model, values)
    if litert_rejects:
        with pytest.raises(Exception):
            run_model(litert_interpreter(), model, values)


class _SpecReader:
    """Just enough of an interpreter for random_inputs: the model's declared input specs,
    read with LiteRT without allocating (so a model LiteRT rejects still gets inputs)."""

    def __init__(self, model_content):
        self._interpreter = litert_interpreter()(model_content=model_content)

    def get_input_details(self):
        return self._interpreter.get_input_details()


# Broadcast patterns shared by the binary elementwise ops: (shape of a, shape of b). Scalars,
# size-1 dims, stretching on either side, odd sizes, rank 6 and rank 8 (LiteRT's limit).
BINARY_SHAPES = [
    ((), ()),
    ((), (3,)),
    ((4,), ()),
    ((1,), (5,)),
    ((7,), (7,)),
    ((2, 3), (2, 3)),
    ((2, 3), (3,)),
    ((2, 1), (1, 3)),
    ((3, 1), (3,)),
    ((5, 7), (1, 7)),
    ((1, 4, 4, 3), (3,)),
    ((1, 4, 4, 3), (1, 1, 1, 3)),
    ((1, 4, 4, 3), (1, 4, 4, 1)),
    ((2, 1, 4, 1), (1, 3, 1, 5)),
    ((1, 3, 1), (2, 1, 4)),
    ((0, 3), (1, 3)),
    ((2, 3, 1, 4, 1), (3, 5, 1, 1)),
    ((1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 1)),
    ((2, 1, 3, 1, 2, 1), (1, 2, 1, 3, 1, 2)),
    ((2, 3, 4, 1, 1, 2), (2,)),
    ((2, 1, 3, 1, 2, 1, 1, 2), (1, 2, 1, 3, 1, 2, 2, 1)),
]
__all__.append("BINARY_SHAPES")

# Shapes for the unary elementwise ops: scalar, size-1 dims, odd sizes, empty, rank 6 and 8.
UNARY_SHAPES = [(), (1,), (7,), (2, 3), (1, 4, 4, 3), (2, 3, 4, 5, 1), (1, 1, 1, 1, 1, 1),
                (0, 3), (2, 1, 3, 1, 2, 1, 2, 1), (1000,)]

# Float special values: NaN, infinities, signed zeros, subnormals, huge and ordinary values.
SPECIAL_VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, -1e-40, 88.8, -88.8,
                           100.0, -100.0, 1e30, -1e30, 3.0, -3.0, 6.0, -6.5, -1.0, 1.0, 0.5],
                          np.float32)
__all__ += ["UNARY_SHAPES", "SPECIAL_VALUES"]


def check_against_variant(op, inputs, constants, reference_constants, options=None, seed=0):
    """Runs a model in jitlite and an equivalent variant of it (other constants) in LiteRT.

    For what jitlite accepts beyond LiteRT, e.g. a convolution without its optional bias
    (jitlite: zero bias; LiteRT requires the bias tensor): the reference gets explicit zeros.
    """
    reference = litert_interpreter()
    ref_model = build_op_model(op, inputs, reference_constants, options)
    values = random_inputs(ref_model, seed)
    expected = run_model(reference, ref_model, values)
    shapes = [list(e.shape) for e in expected]
    model = build_op_model(op, inputs, constants, options, output_shapes=shapes)
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected, context=f"{op} options={options or {}}")
__all__.append("check_against_variant")


MODELS_DIR = pathlib.Path(__file__).resolve().parents[3] / "shared" / "models"


def check_model_file(relative_path, *, reference=None, seed=0, input_range=None,
                     rtol_of_range=None):
    """Runs a real model of ../shared/models beside the checkout (skipped where the corpus is absent) on random
    inputs in jitlite and LiteRT (or `reference`) and compares every output."""
    path = MODELS_DIR / relative_path
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    values = random_inputs(model, seed, input_range)
    expected = run_model(reference or litert_interpreter(), model, values)
    actual = run_model(jitlite_interpreter(), model, values)
    assert_outputs_match(actual, expected, rtol_of_range, context=relative_path)
__all__.append("check_model_file")


def check_threads(op, inputs, constants=(), options=None, *, threads=(2, 3), seed=0, **build):
    """Runs a one-op model in jitlite with 1 and with `threads` threads: outputs must be equal bit
    for bit (each element is computed by one thread, in the same order) and match LiteRT."""
    import functools
    reference = litert_interpreter()
    model = build_op_model(op, inputs, constants, options, **build)
    values = random_inputs(model, seed)
    expected = run_model(reference, model, values)
    model = build_op_model(op, inputs, constants, options,
                           output_shapes=[list(e.shape) for e in expected], **build)
    interpreter = jitlite_interpreter()
    single = run_model(functools.partial(interpreter, num_threads=1), model, values)
    assert_outputs_match(single, expected, context=f"{op} options={options or {}}")
    for n in threads:
        multi = run_model(functools.partial(interpreter, num_threads=n), model, values)
        for a, b in zip(multi, single):
            np.testing.assert_array_equal(a, b, err_msg=f"{op} with {n} threads")
__all__.append("check_threads")


# --- STRING tensors ----------------------------------------------------------------------------

STR = np.bytes_  # the model builder's STRING dtype


def random_strings(shape, seed=0, vocabulary=None):
    """An object array of bytes (what LiteRT's get_tensor returns): random lengths 0-5 over
    ASCII, UTF-8 and NUL bytes, or picks from `vocabulary` (repeats, for EQUAL)."""
    rng = np.random.default_rng(seed)
    count = int(np.prod(shape, dtype=np.int64))
    if vocabulary is not None:
        items = [vocabulary[i] for i in rng.integers(0, len(vocabulary), count)]
    else:
        alphabet = [b"a", b"Z", b"0", b" ", b"\x00", "\u00e9".encode(), "\u4e2d".encode(), b"\xff"]
        items = [b"".join(alphabet[j] for j in rng.integers(0, len(alphabet), rng.integers(0, 6)))
                 for _ in range(count)]
    out = np.empty(count, dtype=object)
    out[:] = items
    return out.reshape(shape)


def _is_strings(value):
    value = np.asarray(value)
    return value.dtype.kind in "SUO"


def assert_same_strings(actual, expected, context=""):
    """Outputs equal element by element (bytes compare exactly; BOOL/int outputs too)."""
    assert len(actual) == len(expected), context
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert a.shape == e.shape, f"{context} output {k}: shape {a.shape} != {e.shape}"
        assert a.dtype == e.dtype, f"{context} output {k}: dtype {a.dtype} != {e.dtype}"
        assert a.tolist() == e.tolist(), f"{context} output {k}:\n{a!r}\n!=\n{e!r}"


def check_strings(op, values, constants=(), options=None, *, output_dtype=None):
    """check_values for ops with STRING operands: object/bytes arrays become STRING inputs,
    LiteRT's reference kernels are the reference, and outputs must match exactly."""
    values = [np.asarray(v) for v in values]
    specs = [(v.shape, STR if _is_strings(v) else v.dtype) for v in values]
    output_dtype = STR if output_dtype is None else output_dtype
    build = dict(op=op, inputs=specs, constants=constants, options=options,
                 output_dtypes=output_dtype)
    expected = run_model(REFERENCE_KERNELS, build_op_model(**build), values)
    model = build_op_model(**build, output_shapes=[list(e.shape) for e in expected])
    actual = run_model(jitlite_interpreter(), model, values)
    assert_same_strings(actual, expected, context=f"{op} options={options or {}}")
    return actual


def assert_string_rejected(op, values, constants=(), options=None, *, match,
                           output_dtype=None, error=RuntimeError):
    """jitlite refuses the one-op model with STRING operands (at allocate_tensors)."""
    values = [np.asarray(v) for v in values]
    specs = [(v.shape, STR if _is_strings(v) else v.dtype) for v in values]
    model = build_op_model(op, specs, constants, options,
                           output_dtypes=STR if output_dtype is None else output_dtype)
    with pytest.raises(error, match=match):
        run_model(jitlite_interpreter(), model, values)


__all__ += ["STR", "random_strings", "assert_same_strings", "check_strings",
            "assert_string_rejected"]
