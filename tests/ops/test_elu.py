"""ELU against LiteRT: float32 over shapes from scalars to rank 8 and empty tensors on [-10, 10],
precision of the inline expm1 near 0 (where exp(x) - 1 would cancel), special values (NaN, inf,
signed zeros, subnormals), the converter-made model simple_elu_op.tflite, fusion in a unary
chain, INT8 tables (every input byte, several scales and zero points) bit-exact against the
TFLite kernels (LiteRT's BUILTIN_REF has no ELU; TFLite's kernel indexes the same table in
every registration), and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op,
                        TFLITE_KERNELS, shape_id)
from unary_cases import (assert_close_to_tflite, assert_one_kernel, check_every_byte,
                         check_real_model, check_special)

# (input, output) quantization of 8-bit tests, as INT8 zero points (UINT8: + 128).
QUANTS = [
    (dict(scale=0.05, zero_point=0), dict(scale=0.05, zero_point=0)),
    (dict(scale=0.1, zero_point=-20), dict(scale=0.03, zero_point=-100)),
    (dict(scale=0.02, zero_point=100), dict(scale=0.01, zero_point=-128)),
    (dict(scale=0.5, zero_point=3), dict(scale=0.25, zero_point=60)),
]


def _quants(dtype, index):
    shift = 128 if dtype == np.uint8 else 0
    return [dict(q, zero_point=q["zero_point"] + shift) for q in QUANTS[index]]

RANGE = (-10.0, 10.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("ELU", [(shape, F32)], input_range=RANGE)


def test_precision():
    assert_close_to_tflite("ELU", np.linspace(-20, 5, 20001, dtype=F32), atol=1e-7, rtol=2e-7)
    # Tiny negative inputs: relative accuracy (expm1, not exp - 1).
    tiny = -np.logspace(-40, -1, 2001).astype(F32)
    assert_close_to_tflite("ELU", tiny, atol=0, rtol=2e-7)


def test_special_values():
    check_special("ELU", SPECIAL_VALUES)  # -inf -> -1, -0 stays -0


def test_real_model():
    check_real_model("simple_elu_op.tflite")


def test_chain_is_one_kernel():
    assert_one_kernel(["ELU", "NEG", "ELU"])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("ELU", [((3,), I32)],
                    match="INT32, which TFLite's ELU does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("ELU", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


@pytest.mark.parametrize("quant", range(len(QUANTS)))
def test_quantized_table(quant):
    check_every_byte("ELU", np.int8, *_quants(np.int8, quant), reference=TFLITE_KERNELS)


def test_quantized_shapes():
    check_op("ELU", [((2, 3, 5, 7), np.int8, dict(scale=0.04, zero_point=-5))],
             output_quant=dict(scale=0.02, zero_point=10), reference=TFLITE_KERNELS)


def test_uint8_is_rejected():
    # TFLite's kernel has INT8 only.
    assert_rejected("ELU", [((3,), np.uint8, dict(scale=0.1, zero_point=128))],
                    match="UINT8", litert_rejects=True)
