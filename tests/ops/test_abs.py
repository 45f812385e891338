"""ABS against LiteRT: float32 and int32 over shapes from scalars to rank 8 and empty tensors,
special values (NaN, inf, signed zeros, subnormals), the int32 extremes, fusion of EXP -> ABS ->
NEG into one kernel, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op,
                        check_quantized, shape_id)
from unary_cases import assert_one_kernel, check_special

RANGE = (-100, 100)  # ints and floats alike


@pytest.mark.parametrize("dtype", [F32, I32])
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape, dtype):
    check_op("ABS", [(shape, dtype)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2])
def test_odd_sized_tensor(seed):
    check_op("ABS", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    check_special("ABS", SPECIAL_VALUES)  # -0 -> +0, NaN stays NaN


def test_int32_extremes():
    # |INT32_MIN| does not fit: TFLite's kernel wraps to INT32_MIN, and so does jitlite.
    info = np.iinfo(I32)
    check_special("ABS", np.array([info.min, info.min + 1, -1, 0, 1, info.max], I32))


def test_chain_is_one_kernel():
    assert_one_kernel(["EXP", "ABS", "NEG"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int64():
    assert_rejected("ABS", [((3,), I64)],
                    match="INT64, which TFLite's ABS does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("ABS", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_float16_is_not_supported_yet():
    assert_rejected("ABS", [((3,), np.float16)], match="ABS on FLOAT16 is not supported")


# --- quantized: |x - zp_in| rescaled to the output grid (int16: symmetric) ----------------------

@pytest.mark.parametrize("dtype, q_in, q_out", [
    (np.int8, (0.05, 3), (0.02, -7)), (np.int8, (0.05, 3), (0.05, -128)),
    (np.int8, (0.05, -128), (0.1, -128)), (np.int16, (0.0005, 0), (0.0003, 0)),
    (np.int16, (0.0005, 0), (0.0005, 0)), (np.int16, (0.0005, 0), (0.002, 0))], ids=str)
@pytest.mark.parametrize("shape", [(), (7,), (4, 64)], ids=shape_id)
def test_quantized(shape, dtype, q_in, q_out):
    check_quantized("ABS", [(shape, dtype, dict(scale=q_in[0], zero_point=q_in[1]))],
                    output_dtype=dtype, output_quant=dict(scale=q_out[0], zero_point=q_out[1]))


def test_int16_without_quantization_is_integer_abs():
    check_op("ABS", [((50,), np.int16)], input_range=(-32768, 32767))


def test_rejects_int16_zero_point():
    assert_rejected("ABS", [((3,), np.int16, dict(scale=0.001, zero_point=4))],
                    match="zero points 0", litert_rejects=True)
