"""FLOOR_DIV against LiteRT: broadcasting (scalars to rank 8), float32/int32/int16/int8 (TFLite has
no int64 FLOOR_DIV), floor (not truncation) for every sign combination, the float quotient taken
in double as TFLite does, MIN / -1, and the models jitlite must refuse (constant zero divisors:
TFLite fails those at invoke). Divisors are kept away from 0 unless a test is about 0."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import (BINARY_SHAPES, F32, I32, I64, assert_rejected, check_op, check_values,
                        shape_id)

I16, I8 = np.int16, np.int8
TYPES = [F32, I32, I16, I8]
NUMERATOR = {F32: (-6.0, 6.0), I32: (-1000, 1000), I16: (-1000, 1000), I8: (-128, 127)}
POSITIVE = {F32: (0.25, 3.0), I32: (1, 30), I16: (1, 30), I8: (1, 9)}
NEGATIVE = {F32: (-3.0, -0.25), I32: (-30, -1), I16: (-30, -1), I8: (-9, -1)}


def dtype_id(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", [F32, I32], ids=dtype_id)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("FLOOR_DIV", [(shapes[0], dtype), (shapes[1], dtype)],
             input_range=[NUMERATOR[dtype], POSITIVE[dtype]])


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
@pytest.mark.parametrize("divisor", [POSITIVE, NEGATIVE], ids=["positive", "negative"])
def test_signs(divisor, dtype):
    # Negative quotients round down (-7 // 2 = -4), for either sign of either operand.
    check_op("FLOOR_DIV", [((4, 9), dtype), ((9,), dtype)],
             input_range=[NUMERATOR[dtype], divisor[dtype]])


def test_exact_multiples_and_float_rounding():
    # 0.7f / 0.1f rounds to exactly 7 in float but is 6.9999998 in double, where TFLite takes
    # the quotient: the floor is 6. Exact multiples and signed zeros too.
    a = np.array([0.3, -0.3, 6.0, -6.0, 0.0, -0.0, 1e30, 7.0, 1.0, 0.7], F32)
    b = np.array([0.1, 0.1, 3.0, 3.0, 5.0, 5.0, 3e-30, -2.0, 3.0, 0.1], F32)
    check_values("FLOOR_DIV", [a, b])


def test_float_special_values():
    nan, inf = np.nan, np.inf
    a = np.array([inf, -inf, nan, 1.0, -1.0, inf, 5.0], F32)
    b = np.array([2.0, 3.0, 1.0, inf, inf, inf, nan], F32)
    check_values("FLOOR_DIV", [a, b])


@pytest.mark.parametrize("dtype", [I32, I16, I8], ids=dtype_id)
def test_integer_extremes(dtype):
    # MIN // -1 overflows: TFLite's double -> int conversion gives MIN.
    info = np.iinfo(dtype)
    a = np.array([info.min, info.min, info.max, info.max, info.min, -1, 0], dtype)
    b = np.array([-1, 1, -1, info.min, info.max, info.max, info.min], dtype)
    check_values("FLOOR_DIV", [a, b])


def test_computed_zero_divisor_gives_zero():
    # TFLite fails the invoke; generated code cannot, and gives 0 (documented in floor_div.cc).
    model = build_op_model("FLOOR_DIV", [((3,), I32), ((3,), I32)], output_shapes=[[3]])
    (out,) = run_model(jitlite_interpreter(), model,
                       [np.array([7, -7, 0], I32), np.array([0, 0, 0], I32)])
    np.testing.assert_array_equal(out, np.zeros(3, I32))


def test_constant_divisor():
    check_op("FLOOR_DIV", [((2, 3, 4), I32)], constants=[np.array([2, -3, 5, -7], I32)])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [I32, F32], ids=dtype_id)
def test_rejects_constant_zero_divisor(dtype):
    assert_rejected("FLOOR_DIV", [((2, 3), dtype)], constants=[np.array([1, 0, 2], dtype)],
                    match="FLOOR_DIV by zero.*flat index 1")


@pytest.mark.parametrize("dtype", [I64, np.uint8, np.bool_], ids=dtype_id)
def test_rejects_types_tflite_rejects(dtype):
    assert_rejected("FLOOR_DIV", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's FLOOR_DIV does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("FLOOR_DIV", [((2, 3), F32), ((2, 3), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("FLOOR_DIV", [((2, 3), F32), ((2, 2), F32)], match="cannot be broadcast",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("FLOOR_DIV", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")
