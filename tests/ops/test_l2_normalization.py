"""L2_NORMALIZATION against LiteRT: along the last axis of inputs of rank 1 to 6, size-1 and long
rows, TFLite's epsilon rule (tiny and zero rows), special values, a real model, and the models
jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, TFLITE_KERNELS, assert_rejected, check_model_file, check_op,
                        check_values, shape_id)

SHAPES = [(1,), (7,), (1, 10), (4, 1), (2, 3, 5), (1, 1, 1, 1), (2, 3, 4, 17), (1, 5000), (0, 4),
          (1, 2, 3, 4, 5), (2, 1, 2, 1, 2, 3)]  # LiteRT runs ranks 5 and 6 too


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("L2_NORMALIZATION", [(shape, F32)])


@pytest.mark.parametrize("input_range", [(-1e-3, 1e-3), (-1e4, 1e4), (5, 6)], ids=str)
def test_ranges(input_range):
    check_op("L2_NORMALIZATION", [((4, 33), F32)], input_range=input_range)


def test_epsilon_and_special_values():
    # A zero row, rows whose norm is below/near epsilon 1e-6, NaN/inf rows; TFLite's kernel.
    rows = np.array([[0.0, 0.0, 0.0, 0.0],
                     [1e-7, 0.0, -2e-7, 0.0],
                     [1e-6, 0.0, 0.0, 0.0],
                     [3e-6, -4e-6, 0.0, 0.0],
                     [1.0, np.nan, 2.0, 3.0],
                     [np.inf, 1.0, 2.0, 3.0],
                     [-0.0, 3.0, -4.0, 0.0]], F32)
    check_values("L2_NORMALIZATION", [rows], reference=TFLITE_KERNELS)
    check_values("L2_NORMALIZATION", [rows])


def test_real_model():
    check_model_file("ops/simple_l2_norm.tflite")


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_scalar():
    assert_rejected("L2_NORMALIZATION", [((), F32)], match="needs rank >= 1")


def test_rejects_activation():
    assert_rejected("L2_NORMALIZATION", [((2, 3), F32)],
                    options=dict(fused_activation_function="RELU"),
                    match="fused activation RELU", litert_rejects=True)


def test_rejects_int32():
    assert_rejected("L2_NORMALIZATION", [((2, 3), I32)],
                    match="L2_NORMALIZATION of INT32, which TFLite does not accept",
                    litert_rejects=True)


def test_int8_is_not_supported_yet():
    assert_rejected("L2_NORMALIZATION", [((2, 3), np.int8, dict(scale=0.1))],
                    output_quant=dict(scale=1 / 128, zero_point=0),
                    match="L2_NORMALIZATION of INT8 is not supported yet")
