"""L2_NORMALIZATION against LiteRT: along the last axis of inputs of rank 1 to 6, size-1 and long
rows, TFLite's epsilon rule (tiny and zero rows), special values, a real model; INT8/UINT8
bit-exact against the reference integer kernels (zero points, short and long rows, zero rows,
rows of one nonzero value, the type's extremes); and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model
from op_testing import (F32, I32, REFERENCE_KERNELS, TFLITE_KERNELS, assert_rejected,
                        check_model_file, check_op, check_quantized, check_values, shape_id)

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


# The output parameters TFLite's quantized kernel requires.
OUT_Q = {np.int8: dict(scale=1 / 128, zero_point=0), np.uint8: dict(scale=1 / 128, zero_point=128)}


def _in_q(dtype, zero_point):
    return dict(scale=0.07, zero_point=zero_point + (128 if dtype == np.uint8 else 0))


@pytest.mark.parametrize("zero_point", [0, -7, 100, -128])
@pytest.mark.parametrize("shape", [(1,), (3, 1), (2, 3, 5), (4, 64), (1, 3000)], ids=shape_id)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized(dtype, shape, zero_point):
    check_quantized("L2_NORMALIZATION", [(shape, dtype, _in_q(dtype, zero_point))],
                    output_quant=OUT_Q[dtype])


@pytest.mark.parametrize("zero_point", [0, -7, 100])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_special_rows(dtype, zero_point):
    # Rows at the zero point (sum 0), one step off it (sum 1), one nonzero entry, the extremes,
    # small and large sums (every normalization shift).
    info = np.iinfo(dtype)
    zp = _in_q(dtype, zero_point)["zero_point"]
    lo, hi = int(info.min), int(info.max)
    rows = [[zp] * 6, [zp] * 5 + [min(zp + 1, hi)], [zp] * 5 + [lo], [zp] * 5 + [hi],
            [lo] * 6, [hi] * 6, [lo, hi] * 3, [min(zp + 2, hi), max(zp - 3, lo)] * 3]
    rows = np.array(rows).astype(dtype)
    model = build_op_model("L2_NORMALIZATION", [(rows.shape, dtype, _in_q(dtype, zero_point))],
                           output_quant=OUT_Q[dtype], output_shapes=[list(rows.shape)])
    expected = run_model(REFERENCE_KERNELS, model, [rows])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [rows]), expected)


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


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("out_q", [dict(scale=1 / 128, zero_point=5), dict(scale=1 / 64)],
                         ids=["zero_point", "scale"])
def test_rejects_other_output_quantization(dtype, out_q):
    out_q = dict(out_q, zero_point=out_q.get("zero_point", 0) + (128 if dtype == np.uint8 else 0))
    assert_rejected("L2_NORMALIZATION", [((2, 3), dtype, _in_q(dtype, 0))], output_quant=out_q,
                    match="quantized L2_NORMALIZATION needs 1/128", litert_rejects=True)
