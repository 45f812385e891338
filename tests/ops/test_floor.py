"""FLOOR against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors, integers
and halves, special values (NaN, inf, signed zeros, subnormals), the converter-made model
simple_floor_op.tflite, fusion in a unary chain, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op, shape_id
from unary_cases import assert_one_kernel, check_real_model, check_special

RANGE = (-10.0, 10.0)
HALVES = np.arange(-4.0, 4.25, 0.25, dtype=F32)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("FLOOR", [(shape, F32)], input_range=RANGE)


def test_integers_and_halves():
    check_special("FLOOR", HALVES)


def test_special_values():
    # floor(-1e-40) is -1 in TFLite's kernel (XNNPACK flushes the subnormal to -0 first).
    check_special("FLOOR", SPECIAL_VALUES)


def test_real_model():
    check_real_model("simple_floor_op.tflite")


def test_chain_is_one_kernel():
    assert_one_kernel(["EXP", "FLOOR", "NEG"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("FLOOR", [((3,), I32)],
                    match="INT32, which TFLite's FLOOR does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("FLOOR", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_float16_is_exact():
    # Against BUILTIN_REF, every float16 value; BFLOAT16 in test_half_float.py.
    from half_float_cases import check_half_values
    check_half_values("FLOOR", [np.arange(1 << 16, dtype=np.uint16).view(np.float16)])
