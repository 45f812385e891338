"""LOGISTIC (1 / (1 + exp(-x))) against LiteRT: shapes from scalars to rank 8 and empty tensors, the
whole useful input range, special values (NaN, inf, signed zeros, subnormals), and the models
jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_op, check_values, shape_id)

RANGE = (-20.0, 20.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("LOGISTIC", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("LOGISTIC", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("LOGISTIC", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("LOGISTIC", [((3,), I32)],
                    match="INT32, which TFLite's LOGISTIC does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("LOGISTIC", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_int8_is_not_supported_yet():
    assert_rejected("LOGISTIC", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    match="not supported by jitlite yet")
