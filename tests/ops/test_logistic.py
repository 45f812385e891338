"""LOGISTIC (1 / (1 + exp(-x))) against LiteRT: shapes from scalars to rank 8 and empty tensors, the
whole useful input range, special values (NaN, inf, signed zeros, subnormals), and the models
jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import (F32, I32, REFERENCE_KERNELS, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES,
                        assert_rejected, check_every_value, check_op, check_quantized, check_values,
                        shape_id)

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


# What converters emit for 8-bit LOGISTIC: output scale 1/256, zero point at the low end.
OUT_Q = {np.int8: dict(scale=1 / 256, zero_point=-128), np.uint8: dict(scale=1 / 256, zero_point=0)}


@pytest.mark.parametrize("in_q", [(0.05, 0), (0.1, -20), (0.02, 100), (0.5, 3)])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_table(dtype, in_q):
    # Every input byte (16x16 random values over the whole range hit most table entries).
    zp = in_q[1] if dtype == np.int8 else in_q[1] + 128
    check_quantized("LOGISTIC", [((16, 16), dtype, dict(scale=in_q[0], zero_point=zp))],
                    output_quant=OUT_Q[dtype])


def test_quantized_output_of_other_type_is_rejected():
    assert_rejected("LOGISTIC", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    output_dtypes=[np.uint8], output_quant=dict(scale=1 / 256, zero_point=0),
                    match="output has type UINT8 but input 0 has INT8", litert_rejects=True)


# --- int16: TFLite's interpolated 256-entry sigmoid table -------------------------------------
# Every stored value, so every table entry and interpolation step is compared: power-of-two
# input scales (TFLite's shift-only path at 2^-12), others (a multiplier), tiny and huge ones.
INT16_INPUT_SCALES = [2**-12, 2**-11, 2**-10, 2**-15, 0.001, 0.0003, 1 / 3000, 0.01, 3.0]


@pytest.mark.parametrize("scale", INT16_INPUT_SCALES)
def test_int16_every_value(scale):
    check_every_value("LOGISTIC", np.int16, (scale, 0), (1 / 32768, 0))


@pytest.mark.parametrize("shape", [(), (7,), (3, 50)], ids=shape_id)
def test_int16_shapes(shape):
    check_quantized("LOGISTIC", [(shape, np.int16, dict(scale=0.0005, zero_point=0))],
                    output_quant=dict(scale=1 / 32768, zero_point=0))


@pytest.mark.parametrize("in_zp, out_q", [(3, (1 / 32768, 0)), (0, (1 / 32768, 5)),
                                          (0, (1 / 16384, 0))])
def test_int16_needs_symmetric_params_and_scale_2_to_minus_15(in_zp, out_q):
    model = build_op_model("LOGISTIC", [((3,), np.int16, dict(scale=0.001, zero_point=in_zp))],
                           output_quant=dict(scale=out_q[0], zero_point=out_q[1]),
                           output_shapes=[[3]])
    with pytest.raises(RuntimeError, match="zero points 0|needs 2\\^-15"):
        run_model(jitlite_interpreter(), model, [np.zeros(3, np.int16)])
    with pytest.raises(RuntimeError):
        run_model(REFERENCE_KERNELS, model, [np.zeros(3, np.int16)])


def test_quantized_output_scale_must_be_1_over_256():
    # TFLite's kernel (and the reference kernels) refuse other output scales; only LiteRT's
    # XNNPACK delegate takes them.
    model = build_op_model("LOGISTIC", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                           output_quant=dict(scale=1 / 128, zero_point=-128), output_shapes=[[3]])
    for interpreter in (jitlite_interpreter(), REFERENCE_KERNELS):
        with pytest.raises(RuntimeError, match="1/256|1. / 256"):
            run_model(interpreter, model, [np.zeros(3, np.int8)])
