"""SIGN against LiteRT: float32 and int32 over shapes from scalars to rank 8 and empty tensors,
special values (NaN stays NaN, both zeros give +0, subnormals keep their sign), the int32
extremes, the converter-made model simple_sign_op.tflite, fusion in a unary chain, and the
models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, I64, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op,
                        shape_id)
from unary_cases import assert_one_kernel, check_real_model, check_special

RANGE = (-5, 5)  # many exact zeros among the integers


@pytest.mark.parametrize("dtype", [F32, I32])
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape, dtype):
    check_op("SIGN", [(shape, dtype)], input_range=RANGE)


def test_special_values():
    check_special("SIGN", SPECIAL_VALUES)


def test_int32_extremes():
    info = np.iinfo(I32)
    check_special("SIGN", np.array([info.min, -1, 0, 1, info.max], I32))


def test_real_model():
    check_real_model("simple_sign_op.tflite")


def test_chain_is_one_kernel():
    assert_one_kernel(["SIGN", "NEG", "EXP"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int64():
    assert_rejected("SIGN", [((3,), I64)],
                    match="INT64, which TFLite's SIGN does not accept", litert_rejects=True)


def test_rejects_int8():
    assert_rejected("SIGN", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="INT8, which TFLite's SIGN does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("SIGN", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")
