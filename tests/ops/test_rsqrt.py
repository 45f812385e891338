"""RSQRT (inputs kept away from 0) against LiteRT: shapes from scalars to rank 8 and empty tensors,
the whole useful input range, special values (NaN, inf, signed zeros, subnormals), int8 bit-exact
against the reference kernels (TFLite's fixed-point path; inputs at or above the zero point, as
TFLite requires), int16 on every non-negative value (TFLite's interpolated table), real quantized
models, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (ALL_INT16, F32, I32, REFERENCE_KERNELS, SPECIAL_VALUES, TFLITE_KERNELS,
                        UNARY_SHAPES, assert_rejected, check_every_value, check_model_file,
                        check_op, check_quantized, check_values, shape_id)

RANGE = (0.01, 100.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("RSQRT", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("RSQRT", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("RSQRT", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("RSQRT", [((3,), I32)],
                    match="INT32, which TFLite's RSQRT does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("RSQRT", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


# --- int8 ------------------------------------------------------------------------------------

# (input (scale, zero point), output): zero point -128 keeps every random input valid; the
# 0-input case (x = zp) gives the largest output, as in TFLite.
INT8_PARAMS = [((0.05, -128), (0.02, -100)), ((0.01, -128), (0.1, 0)),
               ((0.3, -128), (0.05, -128)), ((1 / 256, -128), (0.07, -128))]


@pytest.mark.parametrize("params", INT8_PARAMS, ids=shape_id)
@pytest.mark.parametrize("shape", [(), (7,), (4, 64)], ids=shape_id)
def test_int8(shape, params):
    (s_in, zp_in), (s_out, zp_out) = params
    check_quantized("RSQRT", [(shape, np.int8, dict(scale=s_in, zero_point=zp_in))],
                    output_dtype=np.int8, output_quant=dict(scale=s_out, zero_point=zp_out))


# --- int16: TFLite's 513-entry interpolated table, built in float -------------------------------
# Every non-negative stored value (TFLite refuses negative ones at invoke): scales up and down,
# power-of-two and not.
INT16_PARAMS = [(0.001, 0.001), (1 / 4096, 0.001), (0.1, 1e-4), (2**-10, 2**-12), (3e-5, 0.05)]


@pytest.mark.parametrize("params", INT16_PARAMS, ids=shape_id)
def test_int16_every_value(params):
    check_every_value("RSQRT", np.int16, (params[0], 0), (params[1], 0), values=ALL_INT16[32768:])


@pytest.mark.parametrize("shape", [(), (7,), (4, 64)], ids=shape_id)
def test_int16_shapes(shape):
    check_quantized("RSQRT", [(shape, np.int16, dict(scale=0.002, zero_point=0))],
                    output_dtype=np.int16, output_quant=dict(scale=0.001, zero_point=0),
                    input_range=(0, 32767))


def test_int16_needs_zero_points_0():
    assert_rejected("RSQRT", [((3,), np.int16, dict(scale=0.001, zero_point=4))],
                    match="INT16 RSQRT needs zero points 0", litert_rejects=True)


@pytest.mark.parametrize("path, input_range", [
    ("ops/single_rsqrt_default_a8w8_recipe_quantized.tflite", None),  # zero point -128
    # Zero point 0: random inputs kept non-negative (TFLite refuses negative ones at invoke).
    ("ops/single_rsqrt_default_a16w8_recipe_quantized.tflite", (0, 32767))])
def test_real_model(path, input_range):
    check_model_file(path, reference=REFERENCE_KERNELS, input_range=input_range)
