"""LOG against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors on (0.01, 100),
precision of the inline polynomial over the whole positive float range (subnormals included),
special values (NaN, inf, signed zeros -> -inf, negatives -> NaN), fusion in a unary chain, INT8
tables (every input byte, several scales and zero points) and INT16 interpolated tables (every
input value, several scales) bit-exact against the reference kernels, and the models jitlite
must refuse."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model
from op_testing import (F32, I32, REFERENCE_KERNELS, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected,
                        check_op, check_quantized, shape_id)
from unary_cases import assert_close_to_tflite, assert_one_kernel, check_every_byte, check_special

RANGE = (0.01, 100.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("LOG", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2])
def test_near_one(seed):
    check_op("LOG", [((1000,), F32)], input_range=(0.5, 2.0), seed=seed)


def test_precision_over_all_magnitudes():
    # 1e-45 (smallest subnormal) to 3e38: within 2.5e-7 relative (|log x| >= ~0.1) or 5e-8
    # absolute (x near 1) of libm.
    x = np.logspace(-44.8, 38.5, 20001).astype(F32)
    assert_close_to_tflite("LOG", x, atol=5e-8, rtol=2.5e-7)
    assert_close_to_tflite("LOG", np.linspace(0.5, 2.0, 20001, dtype=F32), atol=5e-8,
                           rtol=2.5e-7)


def test_special_values():
    # Subnormal inputs: TFLite's kernel gives their exact log, XNNPACK -inf (flushed to 0).
    check_special("LOG", SPECIAL_VALUES)


def test_chain_is_one_kernel():
    assert_one_kernel(["EXP", "LOG", "NEG"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("LOG", [((3,), I32)],
                    match="INT32, which TFLite's LOG does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("LOG", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


# (input, output) quantization: zero points inside, below and above the stored range's middle.
QUANTS = [((0.1, 0), (0.05, 0)), ((0.02, -128), (0.03, 100)), ((0.5, 40), (0.02, -10)),
          ((0.001, -100), (0.05, 127))]


@pytest.mark.parametrize("quant", range(len(QUANTS)))
def test_quantized_int8_table(quant):
    (s_in, z_in), (s_out, z_out) = QUANTS[quant]
    check_every_byte("LOG", np.int8, dict(scale=s_in, zero_point=z_in),
                     dict(scale=s_out, zero_point=z_out))


@pytest.mark.parametrize("scales", [(1e-3, 1e-3), (1e-4, 3e-4), (0.01, 1e-4), (3e-3, 2e-5)])
def test_quantized_int16(scales):
    # Random values over the whole int16 range: negative inputs read the minimum's entries.
    check_quantized("LOG", [((8, 512), np.int16, dict(scale=scales[0], zero_point=0))],
                    output_quant=dict(scale=scales[1], zero_point=0))


def test_quantized_int16_every_value():
    x = np.arange(-32768, 32768).astype(np.int16).reshape(64, 1024)
    model = build_op_model("LOG", [(x.shape, np.int16, dict(scale=2e-3, zero_point=0))],
                           output_quant=dict(scale=5e-4, zero_point=0),
                           output_shapes=[list(x.shape)])
    expected = run_model(REFERENCE_KERNELS, model, [x])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [x]), expected)


def test_quantized_int16_needs_zero_points_0():
    assert_rejected("LOG", [((3,), np.int16, dict(scale=0.1, zero_point=2))],
                    match="zero points 0")
