"""RELU6 (min(max(x, 0), 6)) against LiteRT: shapes from scalars to rank 8 and empty tensors, the
whole useful input range, special values (NaN, inf, signed zeros, subnormals), and the models
jitlite must refuse."""

import numpy as np
import pytest

from quantized_unary_cases import QuantizedReluCases
from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_op, check_values, shape_id)

RANGE = (-8.0, 8.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("RELU6", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("RELU6", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("RELU6", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("RELU6", [((3,), I32)],
                    match="INT32, which TFLite's RELU6 does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("RELU6", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


class TestQuantizedRelu6(QuantizedReluCases):
    OP = "RELU6"
