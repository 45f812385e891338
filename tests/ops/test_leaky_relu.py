"""LEAKY_RELU (x > 0 ? x : alpha * x) against LiteRT: shapes from scalars to rank 8 and empty
tensors, alpha values including the default 0, 1, above 1 and negative, special values, and the
models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_op, check_values, shape_id)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("LEAKY_RELU", [(shape, F32)], options=dict(alpha=0.2))


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.2, 1.0, 1.5, -0.5])
def test_alpha(alpha):
    check_op("LEAKY_RELU", [((3, 17, 5), F32)], options=dict(alpha=alpha), input_range=(-5, 5))


def test_no_options_table_means_alpha_0():
    check_op("LEAKY_RELU", [((4, 6), F32)])


@pytest.mark.parametrize("alpha", [0.2, 2.0])
def test_special_values(alpha):
    # XNNPACK flushes subnormals to zero; jitlite follows TFLite's kernel.
    check_values("LEAKY_RELU", [SPECIAL_VALUES], options=dict(alpha=alpha),
                 reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("LEAKY_RELU", [((3,), I32)],
                    match="INT32, which TFLite's LEAKY_RELU does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("LEAKY_RELU", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_int8_is_not_supported_yet():
    assert_rejected("LEAKY_RELU", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="not supported by jitlite yet")
