"""POW against LiteRT: broadcasting (scalars to rank 8), float32 (C's pow rules for negative
bases, zeros, infinities and NaN; results against powf within the float tolerance and mostly to
the bit) and int32 (exact powers, INT32_MIN on overflow), and the models jitlite must refuse
(negative constant int32 exponents: TFLite fails those at invoke)."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, run_both
from op_testing import (BINARY_SHAPES, F32, I32, I64, assert_rejected, check_op, check_values,
                        shape_id)


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast_float(shapes):
    check_op("POW", [(shapes[0], F32), (shapes[1], F32)], input_range=[(0.0, 4.0), (-3.0, 3.0)])


@pytest.mark.parametrize("shapes", BINARY_SHAPES[:12], ids=shape_id)
def test_broadcast_int32(shapes):
    check_op("POW", [(shapes[0], I32), (shapes[1], I32)], input_range=[(-12, 12), (0, 9)])


@pytest.mark.parametrize("base, exponent",
                         [((0.01, 1.0), (-20.0, 20.0)), ((1.0, 100.0), (-10.0, 10.0)),
                          ((0.5, 2.0), (-120.0, 120.0))],
                         ids=["small_base", "large_base", "large_exponent"])
def test_float_ranges(base, exponent):
    check_op("POW", [((64,), F32), ((64,), F32)], input_range=[base, exponent])


def test_negative_base_integer_exponents():
    # Negative bases with integer exponents: the sign follows the exponent's parity.
    x = np.array([-2.0, -2.0, -3.0, -0.5, -1.5, -10.0, -2.0, -7.0], F32)
    y = np.array([3.0, 4.0, -3.0, 5.0, 20.0, 7.0, 25.0, -2.0], F32)
    check_values("POW", [x, y])


def test_float_results_mostly_bit_exact():
    # exp(y * log|x|) in double, rounded once: at most a rare last-bit difference from powf.
    rng = np.random.default_rng(5)
    x = rng.uniform(0.0, 8.0, 4096).astype(F32)
    y = rng.uniform(-12.0, 12.0, 4096).astype(F32)
    model = build_op_model("POW", [((4096,), F32), ((4096,), F32)], output_shapes=[[4096]])
    actual, expected = run_both(model, [x, y])
    same = actual[0] == expected[0]
    assert same.mean() > 0.99
    np.testing.assert_allclose(actual[0], expected[0], rtol=2e-7)


SPECIAL_X = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1e-40]
SPECIAL_Y = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0, 3.0, -3.0, 0.5, -0.5, 1e10]


def test_float_special_values():
    # Every pair of special bases and exponents: C's pow table (x^0 = 1, 1^y = 1 even for NaN,
    # (-1)^inf = 1, NaN for a finite negative base with a non-integer exponent, signed zeros and
    # infinities by the exponent's parity).
    x, y = np.meshgrid(np.array(SPECIAL_X, F32), np.array(SPECIAL_Y, F32))
    check_values("POW", [x.ravel(), y.ravel()])


def test_int32_overflow_and_edges():
    # Exact when the power fits; INT32_MIN when it overflows (TFLite's double -> int cast).
    a = np.array([2, -2, 3, -3, 2, -2, 0, 0, 1, -1, -1, 7, 46341, -46341, 10, 2, 1, 0, 5, -5],
                 I32)
    n = np.array([10, 3, 20, 19, 31, 31, 0, 5, 100000, 7, 8, 11, 2, 2, 10, 30, 2**31 - 1,
                  2**31 - 1, 13, 13], I32)
    check_values("POW", [a, n])


def test_constant_exponent():
    check_op("POW", [((2, 3, 4), F32)], constants=[np.array([0.5, 2.0, -1.0, 3.0], F32)],
             input_range=(0.1, 3.0))


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_negative_constant_int32_exponent():
    assert_rejected("POW", [((2, 3), I32)], constants=[np.array([1, -2, 3], I32)],
                    match="negative int32 exponents.*flat index 1")


@pytest.mark.parametrize("dtype", [I64, np.int8, np.float16, np.bool_],
                         ids=lambda d: np.dtype(d).name)
def test_rejects_types_tflite_rejects(dtype):
    assert_rejected("POW", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's POW does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("POW", [((2, 3), F32), ((2, 3), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("POW", [((2, 3), F32), ((2, 2), F32)], match="cannot be broadcast",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("POW", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")
