"""ELU against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors on [-10, 10],
precision of the inline expm1 near 0 (where exp(x) - 1 would cancel), special values (NaN, inf,
signed zeros, subnormals), the converter-made model simple_elu_op.tflite, fusion in a unary
chain, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op, shape_id
from unary_cases import assert_close_to_tflite, assert_one_kernel, check_real_model, check_special

RANGE = (-10.0, 10.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("ELU", [(shape, F32)], input_range=RANGE)


def test_precision():
    assert_close_to_tflite("ELU", np.linspace(-20, 5, 20001, dtype=F32), atol=1e-7, rtol=2e-7)
    # Tiny negative inputs: relative accuracy (expm1, not exp - 1).
    tiny = -np.logspace(-40, -1, 2001).astype(F32)
    assert_close_to_tflite("ELU", tiny, atol=0, rtol=2e-7)


def test_special_values():
    check_special("ELU", SPECIAL_VALUES)  # -inf -> -1, -0 stays -0


def test_real_model():
    check_real_model("simple_elu_op.tflite")


def test_chain_is_one_kernel():
    assert_one_kernel(["ELU", "NEG", "ELU"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("ELU", [((3,), I32)],
                    match="INT32, which TFLite's ELU does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("ELU", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_int8_is_not_supported_yet():
    assert_rejected("ELU", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="ELU on INT8 is not supported by jitlite yet")
