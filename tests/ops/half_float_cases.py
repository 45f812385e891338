"""FLOAT16 / BFLOAT16 checks shared by the per-op tests.

jitlite computes half-precision ops in float32 (each element widened on load, rounded to the
half type once on store); LiteRT's reference kernels (BUILTIN_REF) are the reference. Outputs
are compared in units in the last place of the half type (ULPs, counted on the bit patterns, so
the measure is the same for float16 and bfloat16 and for subnormals): 0 for ops that are exact
in float32 then rounded (copies, comparisons, ADD/MUL/MAXIMUM/MINIMUM/NEG/FLOOR, casts), a
stated bound for the transcendental ones. NaN matches only NaN; infinities match themselves.
"""

import numpy as np
import pytest
from ml_dtypes import bfloat16

from jitlite.testing import build_op_model, jitlite_interpreter, random_inputs, run_model
from op_testing import REFERENCE_KERNELS

BF16 = bfloat16
F16 = np.float16
HALF_TYPES = [F16, BF16]


def half_id(dtype):
    return np.dtype(dtype).name


# Special values of both half types: NaN, infinities, signed zeros, a float16 subnormal, the
# largest finite float16, and ordinary values around the clamp points of the activations.
HALF_SPECIAL_VALUES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-7, -1e-7, 65504.0,
                                -65504.0, 100.0, -100.0, 3.0, -3.0, 6.0, -6.5, -1.0, 1.0, 0.5,
                                12.0, -12.0], np.float32)


def half_values(dtype, values=HALF_SPECIAL_VALUES):
    return np.asarray(values, np.float32).astype(dtype)


def ulp_distance(actual, expected):
    """Per element |a - e| in ULPs of their (half) type; inf where exactly one is NaN."""
    a = _ordered_bits(actual)
    e = _ordered_bits(expected)
    distance = np.abs(a - e).astype(np.float64)
    a_nan = np.isnan(actual.astype(np.float32))
    e_nan = np.isnan(expected.astype(np.float32))
    distance[a_nan & e_nan] = 0.0
    distance[a_nan ^ e_nan] = np.inf
    return distance


def _ordered_bits(x):
    """Half bit patterns mapped to integers that count up with the value (+0 == -0)."""
    bits = np.ascontiguousarray(x).view(np.uint16).astype(np.int64)
    magnitude = bits & 0x7FFF
    return np.where(bits & 0x8000, -magnitude, magnitude)


def assert_half_outputs_match(actual, expected, ulps, context):
    assert len(actual) == len(expected), context
    for i, (a, e) in enumerate(zip(actual, expected)):
        what = f"{context}: output {i}"
        assert a.dtype == e.dtype, f"{what}: dtype {a.dtype}, reference {e.dtype}"
        assert a.shape == e.shape, f"{what}: shape {a.shape}, reference {e.shape}"
        if a.size == 0:
            continue
        if e.dtype not in (np.dtype(F16), np.dtype(BF16)):
            np.testing.assert_array_equal(a, e, err_msg=what)
            continue
        distance = ulp_distance(a, e)
        worst = int(np.argmax(distance))
        assert distance.max() <= ulps, (
            f"{what}: {distance.max()} ULPs at flat index {worst} (got {a.flat[worst]!r}, "
            f"expected {e.flat[worst]!r}); allowed {ulps}; {int((distance > ulps).sum())} of "
            f"{a.size} elements off")


def check_half(op, inputs, constants=(), options=None, *, ulps=0, input_range=None, seed=0,
               output_dtype=None):
    """A one-op model with half-precision tensors in jitlite against LiteRT BUILTIN_REF, on
    random inputs; outputs must agree within `ulps`."""
    build = dict(op=op, inputs=inputs, constants=constants, options=options,
                 output_dtypes=output_dtype)
    model = build_op_model(**build)
    values = random_inputs(model, seed, input_range, REFERENCE_KERNELS)
    return _compare(build, values, ulps)


def check_half_values(op, values, constants=(), options=None, *, ulps=0, output_dtype=None):
    """check_half on the given input arrays (special values)."""
    values = [np.asarray(v) for v in values]
    build = dict(op=op, inputs=[(v.shape, v.dtype) for v in values], constants=constants,
                 options=options, output_dtypes=output_dtype)
    return _compare(build, values, ulps)


def _compare(build, values, ulps):
    expected = run_model(REFERENCE_KERNELS, build_op_model(**build), values)
    model = build_op_model(**build, output_shapes=[list(e.shape) for e in expected])
    actual = run_model(jitlite_interpreter(), model, values)
    assert_half_outputs_match(actual, expected, ulps,
                              f"{build['op']} options={build['options'] or {}}")
    return actual, expected


def assert_half_rejected(op, inputs, *, match, litert_rejects=True, **build):
    """jitlite refuses a half-precision model BUILTIN_REF refuses too, with `match`."""
    model = build_op_model(op, inputs, **build)
    values = random_inputs(model, interpreter_cls=REFERENCE_KERNELS)
    with pytest.raises(RuntimeError, match=match):
        run_model(jitlite_interpreter(), model, values)
    if litert_rejects:
        with pytest.raises(Exception):
            run_model(REFERENCE_KERNELS, model, values)
