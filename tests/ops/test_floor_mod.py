"""FLOOR_MOD against LiteRT: broadcasting (scalars to rank 8), float32/int32/int64/int16/int8, the
result taking the divisor's sign for every sign combination, the exact float remainder (huge and
subnormal quotients), special values (x mod 0, inf, NaN), the models jitlite must refuse (constant
zero integer divisors: TFLite fails those at invoke), and the simple_floor_mod model."""

import pathlib

import numpy as np
import pytest

from jitlite.testing import (assert_outputs_match, build_op_model, jitlite_interpreter,
                             random_inputs, run_both, run_model)
from op_testing import (BINARY_SHAPES, F32, I32, I64, assert_rejected, check_op, check_values,
                        shape_id)

I16, I8 = np.int16, np.int8
TYPES = [F32, I32, I64, I16, I8]
NUMERATOR = {F32: (-6.0, 6.0), I32: (-1000, 1000), I64: (-1000, 1000), I16: (-1000, 1000),
             I8: (-128, 127)}
POSITIVE = {F32: (0.25, 3.0), I32: (1, 30), I64: (1, 30), I16: (1, 30), I8: (1, 9)}
NEGATIVE = {F32: (-3.0, -0.25), I32: (-30, -1), I64: (-30, -1), I16: (-30, -1), I8: (-9, -1)}
MODELS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "models"


def dtype_id(dtype):
    return np.dtype(dtype).name


@pytest.mark.parametrize("dtype", [F32, I32, I64], ids=dtype_id)
@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes, dtype):
    check_op("FLOOR_MOD", [(shapes[0], dtype), (shapes[1], dtype)],
             input_range=[NUMERATOR[dtype], POSITIVE[dtype]])


@pytest.mark.parametrize("dtype", TYPES, ids=dtype_id)
@pytest.mark.parametrize("divisor", [POSITIVE, NEGATIVE], ids=["positive", "negative"])
def test_signs(divisor, dtype):
    check_op("FLOOR_MOD", [((4, 9), dtype), ((9,), dtype)],
             input_range=[NUMERATOR[dtype], divisor[dtype]])


def test_float_remainder_is_exact():
    # Quotients far beyond 2^24 (up to the full exponent range) and subnormals: fmod is exact,
    # so these must match to the bit.
    a = np.array([1e30, -1e30, 3.4e38, 3.4e38, 1e-40, 1e-40, 7.0, 1e10, 123456.789, 1.0,
                  16777217.0, 5e-45, 2.5e-38], F32)
    b = np.array([3e-30, 3e-30, 1.4e-45, 7.3e-42, 3e-41, -3e-41, 1e-38, 0.1, 0.001, 1.4e-45,
                  3.0, 1.4e-45, 3e-39], F32)
    for x, y in [(a, b), (b, a)]:
        model = build_op_model("FLOOR_MOD", [(x.shape, F32), (y.shape, F32)],
                               output_shapes=[list(x.shape)])
        actual, expected = run_both(model, [x, y])
        np.testing.assert_array_equal(actual[0], expected[0])  # bit for bit, not a tolerance


def test_float_special_values():
    # x mod 0, inf mod x and NaNs are NaN; fmod(x, inf) = x, plus inf when the signs differ.
    nan, inf = np.nan, np.inf
    a = np.array([1.0, -1.0, 0.0, -0.0, inf, -inf, nan, 1.0, -1.0, 3.0, -3.0, 6.0, -6.0], F32)
    b = np.array([0.0, -0.0, 1.0, 1.0, 2.0, 2.0, 1.0, inf, inf, nan, -inf, 3.0, -3.0], F32)
    check_values("FLOOR_MOD", [a, b])


@pytest.mark.parametrize("dtype", [I32, I64, I16, I8], ids=dtype_id)
def test_integer_extremes(dtype):
    # Not MIN mod -1: for int32 TFLite itself traps on it (jitlite gives 0).
    info = np.iinfo(dtype)
    a = np.array([info.min, info.max, info.max, info.min, -1, 1, 0], dtype)
    b = np.array([info.max, info.min, -1, 1, info.max, info.min, info.min], dtype)
    check_values("FLOOR_MOD", [a, b])


def test_computed_zero_divisor_gives_zero():
    # TFLite fails the invoke for integers; generated code cannot, and gives 0.
    model = build_op_model("FLOOR_MOD", [((3,), I32), ((3,), I32)], output_shapes=[[3]])
    (out,) = run_model(jitlite_interpreter(), model,
                       [np.array([7, -7, 0], I32), np.array([0, 0, 0], I32)])
    np.testing.assert_array_equal(out, np.zeros(3, I32))


def test_float_constant_zero_divisor_is_nan():
    check_op("FLOOR_MOD", [((2, 3), F32)], constants=[np.array([1.0, 0.0, -2.0], F32)])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [I32, I64], ids=dtype_id)
def test_rejects_constant_zero_divisor(dtype):
    assert_rejected("FLOOR_MOD", [((2, 3), dtype)], constants=[np.array([1, 0, 2], dtype)],
                    match="FLOOR_MOD by zero.*flat index 1")


@pytest.mark.parametrize("dtype", [np.uint8, np.bool_, np.float16], ids=dtype_id)
def test_rejects_types_tflite_rejects(dtype):
    assert_rejected("FLOOR_MOD", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's FLOOR_MOD does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("FLOOR_MOD", [((2, 3), I64), ((2, 3), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("FLOOR_MOD", [((2, 3), F32), ((2, 2), F32)], match="cannot be broadcast",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("FLOOR_MOD", [((1,) * 9, F32), ((2,), F32)], match="exceeds 8")


# --- real model --------------------------------------------------------------------------------

@pytest.mark.parametrize("divisor", [(1, 20), (-20, -1)], ids=["positive", "negative"])
def test_simple_floor_mod_model(divisor):
    path = MODELS / "ops" / "simple_floor_mod.tflite"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    actual, expected = run_both(model, random_inputs(model, input_range=[(-100, 100), divisor]))
    assert_outputs_match(actual, expected)
