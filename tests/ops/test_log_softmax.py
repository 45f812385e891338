"""LOG_SOFTMAX against LiteRT: along the last axis of inputs of rank 1 to 6, size-1 and long
rows, wide input ranges, special values, a real model, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, TFLITE_KERNELS, assert_rejected, check_model_file, check_op,
                        check_values, shape_id)

SHAPES = [(1,), (7,), (1, 10), (4, 1), (2, 3, 5), (1, 1, 1, 1), (2, 2, 2, 2, 3),
          (1, 2, 1, 3, 1, 4), (1, 1001), (2, 5000), (0, 4)]


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("LOG_SOFTMAX", [(shape, F32)], input_range=(-5, 5))


@pytest.mark.parametrize("input_range", [(-1, 1), (-100, 100), (-1e4, 1e4), (50, 60)], ids=str)
def test_wide_inputs(input_range):
    check_op("LOG_SOFTMAX", [((4, 33), F32)], input_range=input_range)


def test_special_values():
    # -inf entries, equal values, huge values, NaN and +inf rows; TFLite's kernel as reference.
    rows = np.array([[0.0, -np.inf, 1.0, 2.0],
                     [3.0, 3.0, 3.0, 3.0],
                     [1e30, -1e30, 0.0, 1e30],
                     [-80.0, 10.0, -100.0, 0.0],
                     [1.0, np.nan, 2.0, 3.0],
                     [np.inf, 1.0, 2.0, 3.0]], F32)
    check_values("LOG_SOFTMAX", [rows], reference=TFLITE_KERNELS)


def test_real_model():
    check_model_file("ops/simple_log_softmax_op.tflite")


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_scalar():
    assert_rejected("LOG_SOFTMAX", [((), F32)], match="needs rank >= 1")


def test_rejects_int32():
    assert_rejected("LOG_SOFTMAX", [((2, 3), I32)],
                    match="LOG_SOFTMAX of INT32, which TFLite does not accept", litert_rejects=True)


def test_int8_is_not_supported_yet():
    assert_rejected("LOG_SOFTMAX", [((2, 3), np.int8, dict(scale=0.1))],
                    output_quant=dict(scale=16 / 256, zero_point=127),
                    match="LOG_SOFTMAX of INT8 is not supported yet")
