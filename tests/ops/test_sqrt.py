"""SQRT (inputs kept >= 0; negative ones are NaN in the special-value case) against LiteRT: shapes
from scalars to rank 8 and empty tensors, the whole useful input range, special values (NaN, inf,
signed zeros, subnormals), int8/int16 (TFLite's float path with truncation) bit-exact against the
reference kernels over several scales and zero points, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_op, check_quantized, check_values, shape_id)

RANGE = (0.0, 100.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("SQRT", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("SQRT", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("SQRT", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("SQRT", [((3,), I32)],
                    match="INT32, which TFLite's SQRT does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("SQRT", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


# (input, output) quantization; inputs stay at or above the zero point (TFLite fails on
# negative real values).
QUANTS = [((0.1, 0), (0.1, 0)), ((0.05, -128), (0.02, -100)), ((0.5, -20), (0.03, 7)),
          ((0.01, 10), (0.1, -128))]


@pytest.mark.parametrize("quant", range(len(QUANTS)))
def test_quantized_int8(quant):
    (s_in, z_in), (s_out, z_out) = QUANTS[quant]
    check_quantized("SQRT", [((16, 16), np.int8, dict(scale=s_in, zero_point=z_in))],
                    output_quant=dict(scale=s_out, zero_point=z_out), input_range=(z_in, 127))


@pytest.mark.parametrize("scales", [(0.001, 0.001), (0.5, 0.01), (1e-4, 3e-3), (2.0, 1e-8)])
def test_quantized_int16(scales):
    # The last pair overflows the int conversion for large inputs (INT_MIN, then clamped).
    check_quantized("SQRT", [((8, 64), np.int16, dict(scale=scales[0], zero_point=0))],
                    output_quant=dict(scale=scales[1], zero_point=0), input_range=(0, 32767))


def test_quantized_int16_needs_zero_points_0():
    assert_rejected("SQRT", [((3,), np.int16, dict(scale=0.1, zero_point=2))],
                    match="zero points 0")


def test_rejects_uint8():
    assert_rejected("SQRT", [((3,), np.uint8, dict(scale=0.1, zero_point=0))],
                    match="UINT8", litert_rejects=True)
