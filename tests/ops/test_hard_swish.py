"""HARD_SWISH (x * relu6(x + 3) / 6) against LiteRT: shapes from scalars to rank 8 and empty
tensors, the whole useful input range, special values (NaN, inf, signed zeros, subnormals), and
the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_op, check_quantized, check_values, shape_id)

RANGE = (-8.0, 8.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("HARD_SWISH", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("HARD_SWISH", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("HARD_SWISH", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("HARD_SWISH", [((3,), I32)],
                    match="INT32, which TFLite's HARD_SWISH does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("HARD_SWISH", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_rejects_int16():
    assert_rejected("HARD_SWISH", [((3,), np.int16, dict(scale=0.001, zero_point=0))],
                    match="INT16", litert_rejects=True)


# --- int8/uint8: TFLite's reference fixed-point path -----------------------------------------

@pytest.mark.parametrize("dtype, q_in, q_out", [
    (np.int8, (0.05, 3), (0.02, -7)), (np.int8, (0.1, -128), (0.05, -100)),
    (np.int8, (0.02, 0), (0.02, 0)), (np.int8, (0.5, 10), (0.01, -128)),
    (np.uint8, (0.03, 120), (0.05, 128)), (np.uint8, (0.1, 0), (0.01, 255)),
    # Scales of converter models with random weights: rounding shifts of 16 bits and more.
    (np.int8, (5.5491256e-09, -11), (1.06177e-08, -3)),
    (np.int8, (2.1653086e-06, 8), (1.082641e-06, 8)),
    (np.uint8, (7.844628e-09, 120), (7.843883e-09, 128))], ids=str)
@pytest.mark.parametrize("shape", [(), (7,), (4, 64)], ids=shape_id)
def test_quantized(shape, dtype, q_in, q_out):
    check_quantized("HARD_SWISH", [(shape, dtype, dict(scale=q_in[0], zero_point=q_in[1]))],
                    output_dtype=dtype, output_quant=dict(scale=q_out[0], zero_point=q_out[1]))
