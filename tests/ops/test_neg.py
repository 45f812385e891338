"""NEG against LiteRT: float32, int32 and int64 over shapes from scalars to rank 8 and empty
tensors, special values (NaN, inf, signed zeros, subnormals), the integer extremes, fusion in a
unary chain, int8/int16 (TFLite negates the stored value with wrap, whatever the quantization)
bit-exact against the reference kernels, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op,
                        check_quantized, shape_id)
from unary_cases import assert_one_kernel, check_special

RANGE = (-100, 100)


@pytest.mark.parametrize("dtype", [F32, I32, I64])
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape, dtype):
    check_op("NEG", [(shape, dtype)], input_range=RANGE)


def test_special_values():
    check_special("NEG", SPECIAL_VALUES)  # 0 -> -0 and -0 -> 0


@pytest.mark.parametrize("dtype", [I32, I64])
def test_integer_extremes(dtype):
    # -INT_MIN wraps to INT_MIN, as in TFLite's kernel.
    info = np.iinfo(dtype)
    check_special("NEG", np.array([info.min, info.min + 1, -1, 0, 1, info.max], dtype))


def test_chain_is_one_kernel():
    assert_one_kernel(["NEG", "EXP", "NEG", "SQUARE"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_uint8():
    assert_rejected("NEG", [((3,), np.uint8, dict(scale=0.1, zero_point=0))],
                    match="UINT8, which TFLite's NEG does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("NEG", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


@pytest.mark.parametrize("out_q", [None, dict(scale=0.2, zero_point=0)], ids=["same", "other"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_quantized(dtype, out_q):
    # Random values over the whole type range include its minimum (which wraps).
    check_quantized("NEG", [((4, 300), dtype, dict(scale=0.1, zero_point=0))],
                    output_quant=out_q)
