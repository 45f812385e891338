"""SOFTMAX against LiteRT: along the last axis of inputs of rank 1 to 6, beta values (including
0, the schema default), size-1 and long rows (longer than the stack row buffer), wide input
ranges, special values, and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model

from op_testing import (F32, I32, REFERENCE_KERNELS, TFLITE_KERNELS, assert_rejected, check_op,
                        check_quantized, check_values, shape_id)

SHAPES = [(1,), (7,), (1, 10), (4, 1), (2, 3, 5), (1, 1, 1, 1), (2, 2, 2, 2, 3),
          (1, 2, 1, 3, 1, 4), (1, 1001), (2, 5000), (0, 4)]


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("SOFTMAX", [(shape, F32)], options=dict(beta=1.0), input_range=(-5, 5))


# beta 0.0 equals the schema default, so the builder leaves the field out: a reader default.
@pytest.mark.parametrize("beta", [0.0, 0.25, 1.0, 2.0, 10.0, -1.0])
def test_beta(beta):
    check_op("SOFTMAX", [((3, 17), F32)], options=dict(beta=beta), input_range=(-4, 4))


@pytest.mark.parametrize("input_range", [(-100, 100), (-1e4, 1e4), (50, 60)], ids=str)
def test_wide_inputs(input_range):
    check_op("SOFTMAX", [((4, 33), F32)], options=dict(beta=1.0), input_range=input_range)


def test_special_values():
    # Rows with -inf entries, a row of equal values and a huge row; TFLite's kernel as the
    # reference (XNNPACK flushes the subnormal probabilities to zero).
    rows = np.array([[0.0, -np.inf, 1.0, 2.0],
                     [3.0, 3.0, 3.0, 3.0],
                     [1e30, -1e30, 0.0, 1e30],
                     [-80.0, 10.0, -100.0, 0.0]], F32)
    check_values("SOFTMAX", [rows], options=dict(beta=1.0), reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_scalar():
    assert_rejected("SOFTMAX", [((), F32)], options=dict(beta=1.0), match="needs rank >= 1",
                    litert_rejects=True)


def test_rejects_int32():
    assert_rejected("SOFTMAX", [((2, 3), I32)], options=dict(beta=1.0),
                    match="SOFTMAX of INT32, which TFLite does not accept", litert_rejects=True)


def test_int16_output_zero_point_must_be_0():
    assert_rejected("SOFTMAX", [((2, 3), np.int16, dict(scale=0.001, zero_point=0))],
                    output_quant=dict(scale=1 / 32768, zero_point=5), options=dict(beta=1.0),
                    match="INT16 SOFTMAX needs 0", litert_rejects=True)


def test_quantized_output_type_must_be_the_input_type_or_int16():
    assert_rejected("SOFTMAX", [((2, 3), np.int8, dict(scale=0.1, zero_point=0))],
                    output_dtypes=[np.uint8], output_quant=dict(scale=1 / 256, zero_point=0),
                    options=dict(beta=1.0), match="outputs INT8 or INT16", litert_rejects=True)


# --- quantized: TFLite's reference fixed-point kernel, bit-exact ------------------------------

# What each output type implies (the kernel offsets by the type's minimum).
OUT_Q = {np.int8: dict(scale=1 / 256, zero_point=-128), np.uint8: dict(scale=1 / 256, zero_point=0),
         np.int16: dict(scale=1 / 65536, zero_point=-32768)}


@pytest.mark.parametrize("in_dtype, out_dtype", [(np.int8, np.int8), (np.uint8, np.uint8),
                                                 (np.int8, np.int16), (np.uint8, np.int16)])
@pytest.mark.parametrize("scale, beta", [(0.1, 1.0), (0.02, 1.0), (0.5, 0.7), (1.0, 2.0),
                                         (0.004, 1.0), (0.25, 0.05)])
def test_quantized(in_dtype, out_dtype, scale, beta):
    zp = 3 if in_dtype == np.int8 else 130
    check_quantized("SOFTMAX", [((3, 17), in_dtype, dict(scale=scale, zero_point=zp))],
                    options=dict(beta=beta), output_dtype=out_dtype, output_quant=OUT_Q[out_dtype])


@pytest.mark.parametrize("shape", [(1,), (5,), (2, 1, 7), (2, 3, 1000), (1, 2, 2, 3, 9)],
                         ids=shape_id)
def test_quantized_shapes(shape):
    check_quantized("SOFTMAX", [(shape, np.int8, dict(scale=0.15, zero_point=-4))],
                    options=dict(beta=1.0), output_quant=OUT_Q[np.int8])


def test_quantized_row_of_equal_values_and_far_outliers():
    # Equal values share the probability exactly; diffs below diff_min give the minimum.
    rows = np.array([[5] * 8, [-128] * 7 + [127], [0, 1, 2, 3, 4, 5, 6, 7]], np.int8)
    model = build_op_model("SOFTMAX", [((3, 8), np.int8, dict(scale=0.5, zero_point=0))],
                           options=dict(beta=1.0), output_quant=OUT_Q[np.int8],
                           output_shapes=[[3, 8]])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [rows]),
                         run_model(REFERENCE_KERNELS, model, [rows]), context="SOFTMAX")



def test_rejects_two_inputs():
    assert_rejected("SOFTMAX", [((2, 3), F32), ((2, 3), F32)], match="expected 1 inputs, got 2")


@pytest.mark.parametrize("scale, beta", [(0.001, 1.0), (0.0003, 1.0), (0.01, 0.5), (1 / 32768, 1.0),
                                         (0.1, 1.0), (0.002, 3.0)])
@pytest.mark.parametrize("shape", [(4, 33), (7,), (2, 3, 300)], ids=shape_id)
def test_quantized_int16(shape, scale, beta):
    check_quantized("SOFTMAX", [(shape, np.int16, dict(scale=scale, zero_point=0))],
                    options=dict(beta=beta), output_quant=dict(scale=1 / 32768, zero_point=0))
