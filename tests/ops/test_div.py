"""DIV against LiteRT: broadcasting (scalars to rank 8), float32 and int32 (TFLite has no int64
DIV), every fused activation, integer truncation toward zero, IEEE float division by zero, and
the models jitlite must refuse. Divisors are kept away from 0 unless a test is about 0."""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, BINARY_SHAPES, F32, I32, I64, TFLITE_KERNELS,
                        assert_rejected, check_op, check_values, shape_id)

# Divisors away from zero, of either sign.
POSITIVE = {F32: (0.25, 4.0), I32: (1, 30)}
NEGATIVE = {F32: (-4.0, -0.25), I32: (-30, -1)}
NUMERATOR = {F32: (-4.0, 4.0), I32: (-1000, 1000)}


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("DIV", [(shapes[0], dtype), (shapes[1], dtype)],
             input_range=[NUMERATOR[dtype], POSITIVE[dtype]])


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("divisor", [POSITIVE, NEGATIVE], ids=["positive", "negative"])
def test_divisor_sign(divisor, dtype):
    # int32: the quotient truncates toward zero, for either sign of either operand.
    check_op("DIV", [((4, 9), dtype), ((4, 9), dtype)],
             input_range=[NUMERATOR[dtype], divisor[dtype]])


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_activation(activation, dtype):
    check_op("DIV", [((3, 5), dtype), ((5,), dtype)],
             input_range=[(-8, 8), (1, 3)] if dtype == I32 else [(-8.0, 8.0), (0.5, 2.0)],
             options=dict(fused_activation_function=activation))


def test_constant_divisor():
    check_op("DIV", [((2, 3, 4), F32)], constants=[np.array([0.5, -2.0, 3.0, 7.0], F32)])


def test_int32_constant_divisor():
    check_op("DIV", [((2, 3, 4), I32)], constants=[np.array([1, -2, 3, 7], I32)])


def test_float_division_by_zero_is_ieee():
    # x/0 = +-inf and 0/0 = NaN, as LiteRT's default (XNNPACK) path computes them.
    a = np.array([1.0, -1.0, 0.0, 2.5, -0.0, np.inf], F32)
    b = np.array([0.0, 0.0, 0.0, -0.0, 3.0, np.inf], F32)
    check_values("DIV", [a, b])


def test_int32_edge_quotients():
    # Truncation toward zero and INT32_MIN / -1 = INT32_MAX; XNNPACK has no int32 DIV, so the
    # reference is TFLite's kernel either way.
    lo, hi = np.iinfo(I32).min, np.iinfo(I32).max
    a = np.array([7, -7, 7, -7, lo, lo, hi, 0, 1, -1], I32)
    b = np.array([2, 2, -2, -2, -1, 1, -1, 5, 3, 3], I32)
    check_values("DIV", [a, b], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int64():
    assert_rejected("DIV", [((3,), I64), ((3,), I64)],
                    match="INT64, which TFLite's DIV does not accept", litert_rejects=True)


def test_rejects_constant_int_zero_divisor():
    assert_rejected("DIV", [((2, 3), I32)], constants=[np.array([1, 0, 2], I32)],
                    match="integer division by zero.*flat index 1")


def test_rejects_mixed_dtypes():
    assert_rejected("DIV", [((2, 3), F32), ((2, 3), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("DIV", [((2, 3), F32), ((2, 2), F32)], match="broadcast|incompatible",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("DIV", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")


def test_int8_is_not_supported_yet():
    assert_rejected("DIV", [((3,), np.int8, dict(scale=0.1)), ((3,), np.int8, dict(scale=0.1))],
                    match="not supported by jitlite yet")
