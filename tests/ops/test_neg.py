"""NEG against LiteRT: float32, int32 and int64 over shapes from scalars to rank 8 and empty
tensors, special values (NaN, inf, signed zeros, subnormals), the integer extremes, int8/int16
on every stored value, fusion in a unary chain, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, REFERENCE_KERNELS, SPECIAL_VALUES, UNARY_SHAPES,
                        assert_rejected, check_every_value, check_op, check_values, shape_id)
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


# --- int8 / int16: LiteRT negates the stored values (wrapping) and reads no parameters -------

@pytest.mark.parametrize("in_q, out_q",
                         [((0.05, 0), (0.05, 0)), ((0.05, 3), (0.5, -2)), (None, None)],
                         ids=["same", "other", "unquantized"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_int8_int16_every_value(dtype, in_q, out_q):
    if in_q is None:
        info = np.iinfo(dtype)
        check_values("NEG", [np.arange(info.min, info.max + 1).astype(dtype)],
                     reference=REFERENCE_KERNELS)
        return
    check_every_value("NEG", dtype, in_q, out_q)
