"""LOG_SOFTMAX against LiteRT: along the last axis of inputs of rank 1 to 6, size-1 and long
rows, wide input ranges, special values, a real model; INT8/UINT8 bit-exact against the reference
fixed-point kernel (input scales from fine to coarse, zero points, long rows, rows of one value,
rows with one outlier); and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model
from op_testing import (F32, I32, REFERENCE_KERNELS, TFLITE_KERNELS, assert_rejected,
                        check_model_file, check_op, check_quantized, check_values, shape_id)

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


# The output parameters TFLite's quantized kernel requires.
OUT_Q = {np.int8: dict(scale=16 / 256, zero_point=127),
         np.uint8: dict(scale=16 / 256, zero_point=255)}
IN_SCALES = [0.002, 0.03, 0.1, 0.5, 2.0]


def _in_q(dtype, scale, zero_point=5):
    return dict(scale=scale, zero_point=zero_point + (128 if dtype == np.uint8 else 0))


@pytest.mark.parametrize("scale", IN_SCALES)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized(dtype, scale):
    check_quantized("LOG_SOFTMAX", [((6, 37), dtype, _in_q(dtype, scale))],
                    output_quant=OUT_Q[dtype])


@pytest.mark.parametrize("shape", [(1,), (3, 1), (2, 3, 4), (1, 1500), (2, 4100)], ids=shape_id)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_shapes(dtype, shape):
    check_quantized("LOG_SOFTMAX", [(shape, dtype, _in_q(dtype, 0.05, -20))],
                    output_quant=OUT_Q[dtype])


@pytest.mark.parametrize("scale", IN_SCALES)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_special_rows(dtype, scale):
    # Constant rows, one outlier, the two extremes, narrow ranges.
    info = np.iinfo(dtype)
    lo, hi = int(info.min), int(info.max)
    rows = np.array([[lo] * 8, [hi] * 8, [lo] * 7 + [hi], [hi] * 7 + [lo],
                     [lo, hi] * 4, list(range(lo, lo + 8)), list(range(hi - 7, hi + 1)),
                     [0, 1, 0, 1, 2, 3, 2, 1]]).astype(dtype)
    model = build_op_model("LOG_SOFTMAX", [(rows.shape, dtype, _in_q(dtype, scale))],
                           output_quant=OUT_Q[dtype], output_shapes=[list(rows.shape)])
    expected = run_model(REFERENCE_KERNELS, model, [rows])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [rows]), expected)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_scalar():
    assert_rejected("LOG_SOFTMAX", [((), F32)], match="needs rank >= 1")


def test_rejects_int32():
    assert_rejected("LOG_SOFTMAX", [((2, 3), I32)],
                    match="LOG_SOFTMAX of INT32, which TFLite does not accept", litert_rejects=True)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("out_q", [dict(scale=1 / 16, zero_point=0),
                                   dict(scale=1 / 256, zero_point=127)],
                         ids=["zero_point", "scale"])
def test_rejects_other_output_quantization(dtype, out_q):
    assert_rejected("LOG_SOFTMAX", [((2, 3), dtype, _in_q(dtype, 0.1))], output_quant=out_q,
                    match="quantized LOG_SOFTMAX needs 16/256", litert_rejects=True)
