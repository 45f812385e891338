"""LEAKY_RELU (x > 0 ? x : alpha * x) against LiteRT: shapes from scalars to rank 8 and empty
tensors, alpha values including the default 0, 1, above 1 and negative, special values, and the
models jitlite must refuse."""

import numpy as np
import pytest

from quantized_models import check_golden_csvs, seanet_models
from quantized_unary_cases import QUANT_SHAPES, UNARY_QUANT, check_unary_quantized, quant_id
from op_testing import (F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES, assert_rejected,
                        check_every_value, check_op, check_values, shape_id)


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


# --- quantized: identity or alpha multiplier by the sign of x - zp_in ----------------------------

@pytest.mark.parametrize("alpha", [0.0, 0.2, 1.7])
@pytest.mark.parametrize("params", UNARY_QUANT, ids=quant_id)
def test_quantized(params, alpha):
    check_unary_quantized("LEAKY_RELU", params, options=dict(alpha=alpha))


@pytest.mark.parametrize("params", UNARY_QUANT, ids=quant_id)
def test_quantized_negative_alpha(params):
    check_unary_quantized("LEAKY_RELU", params, options=dict(alpha=-0.3))


# Every stored value, with multipliers that make exact ties (-0.5: LiteRT rounds the positive
# results of a negative alpha half down) and ones that do not.
@pytest.mark.parametrize("in_scale, out_scale, alpha", [
    (0.001, 0.001, -0.5), (0.0005, 0.0003, -0.3), (0.001, 0.004, -1.0), (0.001, 0.003, -0.7),
    (0.002, 0.001, -1.5), (0.001, 0.001, 0.5), (0.0005, 0.0003, 0.2)])
def test_int16_every_value(in_scale, out_scale, alpha):
    check_every_value("LEAKY_RELU", np.int16, (in_scale, 0), (out_scale, 0),
                      options=dict(alpha=alpha))


@pytest.mark.parametrize("dtype, zero_point", [(np.int8, 0), (np.int8, -128), (np.int8, 100),
                                               (np.uint8, 128), (np.uint8, 255)])
def test_8bit_ties_every_value(dtype, zero_point):
    check_every_value("LEAKY_RELU", dtype, (0.01, zero_point), (0.01, zero_point),
                      options=dict(alpha=-0.5))


@pytest.mark.parametrize("shape", QUANT_SHAPES, ids=shape_id)
def test_quantized_shapes(shape):
    check_unary_quantized("LEAKY_RELU", UNARY_QUANT[0], shape, options=dict(alpha=0.1))


@pytest.mark.parametrize("n", seanet_models("leaky_relu") or [0])
def test_seanet_golden(n):
    check_golden_csvs("leaky_relu", n)
