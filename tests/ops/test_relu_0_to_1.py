"""RELU_0_TO_1 against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors,
special values (NaN passes, -0 stays -0, infinities clamp), the converter-made model
simple_relu0to1_op.tflite, fusion in a unary chain, and the models jitlite must refuse."""

import numpy as np
import pytest

from quantized_unary_cases import QuantizedReluCases
from op_testing import F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op, shape_id
from unary_cases import assert_one_kernel, check_real_model, check_special

RANGE = (-2.0, 2.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("RELU_0_TO_1", [(shape, F32)], input_range=RANGE)


def test_special_values():
    check_special("RELU_0_TO_1", SPECIAL_VALUES)


def test_special_values_xnnpack():
    # LiteRT's default (XNNPACK) path agrees except on subnormals, which it flushes to 0.
    from jitlite.testing import litert_interpreter
    check_special("RELU_0_TO_1", SPECIAL_VALUES[np.abs(SPECIAL_VALUES) != F32(1e-40)],
                  reference=litert_interpreter())


def test_real_model():
    check_real_model("simple_relu0to1_op.tflite", input_range=(-2.0, 2.0))


def test_chain_is_one_kernel():
    assert_one_kernel(["NEG", "RELU_0_TO_1", "EXP"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("RELU_0_TO_1", [((3,), I32)],
                    match="INT32, which TFLite's RELU_0_TO_1 does not accept",
                    litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("RELU_0_TO_1", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


class TestQuantizedRelu0To1(QuantizedReluCases):
    OP = "RELU_0_TO_1"
    INT16 = False
