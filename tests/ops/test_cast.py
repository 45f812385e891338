"""CAST against LiteRT: every pair of FLOAT32, INT32, INT64, INT16, INT8, UINT8 and BOOL, over
scalars to rank 8 and empty tensors; float -> integer truncation and saturation (NaN, infinities,
values past each target's range), integer wrap-around, what counts as true, COMPLEX64 to and
from each of them, and the types jitlite does not cast yet."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, UNARY_SHAPES, assert_rejected, check_op, check_values,
                        shape_id)

B = np.bool_
TYPES = [F32, I32, I64, np.int16, np.int8, np.uint8, B]


def dtype_id(dtype):
    return np.dtype(dtype).name


def value_range(dtype):
    """Random inputs spanning past the narrow types' ranges (8/16-bit ones: their whole range)."""
    if dtype == F32:
        return (-300.0, 300.0)
    if dtype in (I32, I64):
        return (-70000, 70000)
    return None


@pytest.mark.parametrize("to", TYPES, ids=dtype_id)
@pytest.mark.parametrize("src", TYPES, ids=dtype_id)
def test_type_pairs(src, to):
    check_op("CAST", [((6, 7), src)], output_dtype=to, input_range=value_range(src))


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("CAST", [(shape, F32)], output_dtype=I32, input_range=(-50.0, 50.0))


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, 0.5, -0.5, 0.99, -0.99, 2.9, -2.9,
                    127.5, 128.0, -128.5, -129.0, 255.9, 256.0, 32767.5, 32768.0, -32768.9,
                    -32769.0, 65535.9, 2147483520.0, 2147483648.0, -2147483648.0, -2147483904.0,
                    9.2233715e18, 9.223372e18, -9.223372e18, -1e19, 1e30, -1e30], np.float32)


@pytest.mark.parametrize("to", [I32, I64, np.int16, np.int8, np.uint8, B], ids=dtype_id)
def test_float_special_values(to):
    # Truncation toward zero, saturation at the target's range, NaN -> the maximum, and
    # BOOL(x) = x != 0 (NaN true, -0 false).
    check_values("CAST", [SPECIAL], output_dtype=to)


@pytest.mark.parametrize("to", [F32, I64, np.int16, np.int8, np.uint8, B], ids=dtype_id)
def test_int32_extremes(to):
    # Wrap-around to the narrow types; int -> float rounds to nearest (16777217 -> 16777216).
    info = np.iinfo(I32)
    x = np.array([0, 1, -1, 127, 128, 255, 256, -129, 32768, -32769, 65536, 16777217,
                  info.max, info.min], I32)
    check_values("CAST", [x], output_dtype=to)


@pytest.mark.parametrize("to", [F32, I32, np.int16, np.uint8, B], ids=dtype_id)
def test_int64_extremes(to):
    info = np.iinfo(I64)
    x = np.array([0, -1, 2**31, -2**31 - 1, 2**40 + 5, 2**53 + 1, info.max, info.min], I64)
    check_values("CAST", [x], output_dtype=to)


@pytest.mark.parametrize("to", [I32, np.int8, F32], ids=dtype_id)
def test_uint8_extends_with_zeros(to):
    check_values("CAST", [np.array([0, 1, 127, 128, 200, 255], np.uint8)], output_dtype=to)


def test_constant_input():
    check_op("CAST", [], constants=[np.array([1.5, -2.5, 3.0], F32)], output_dtype=I32)


# --- must-fail ---------------------------------------------------------------------------------

def test_float16_to_integer_is_not_supported_yet():
    # FLOAT16/BFLOAT16 <-> FLOAT32 run (test_half_float.py); other half casts do not yet.
    assert_rejected("CAST", [((3,), np.float16)], output_dtypes=np.int32,
                    match="CAST from FLOAT16 to INT32 is not supported by jitlite yet")


def test_int32_to_float16_is_not_supported_yet():
    assert_rejected("CAST", [((3,), np.int32)], output_dtypes=np.float16,
                    match="CAST from INT32 to FLOAT16 is not supported by jitlite yet")


def test_rejects_two_inputs():
    assert_rejected("CAST", [((3,), F32), ((3,), F32)], output_dtypes=I32,
                    match="expected 1 inputs, got 2")


# --- COMPLEX64: the real part out (0 + 1i is false), (x as float) + 0i in --------------------------

C64 = np.complex64
COMPLEX_SPECIALS = np.array([1.7 - 2j, -3.9 + 1j, 0 + 1j, -0.0 - 5j, 1e10 + 5j, -1e10 + 0j,
                             300.5 + 0j, -129.5 + 0j, 2.5e9 + 0j, 0.5 + 0j], C64)


@pytest.mark.parametrize("to", TYPES + [C64], ids=dtype_id)
def test_from_complex64(to):
    values = COMPLEX_SPECIALS.copy()
    values[0] = complex(np.nan, 1.0)  # NaN real part: the target's maximum (True for BOOL)
    check_values("CAST", [values], output_dtype=to)


@pytest.mark.parametrize("shape", [(), (0, 3), (2, 3, 4)], ids=shape_id)
def test_from_complex64_shapes(shape):
    check_op("CAST", [(shape, C64)], output_dtype=I32, input_range=(-100, 100))


@pytest.mark.parametrize("source", TYPES, ids=dtype_id)
def test_to_complex64(source):
    check_op("CAST", [((3, 5), source)], output_dtype=C64, input_range=value_range(source))
