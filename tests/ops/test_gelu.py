"""GELU against LiteRT, both forms (GeluOptions.approximate false: erf, true: tanh): float32 over
shapes from scalars to rank 8 and empty tensors on [-6, 6], precision of the inline erf/tanh
over [-10, 10], special values (NaN, inf, signed zeros, subnormals), fusion in a unary chain and
into a FULLY_CONNECTED epilogue, INT8/UINT8 tables (every input byte, several scales and zero
points, both forms) and INT16 interpolated tables (every value) bit-exact against the reference
kernels, and the models jitlite must refuse."""

import numpy as np
import pytest

import jitlite
from jitlite.testing import (ModelBuilder, assert_outputs_match, build_op_model,
                             jitlite_interpreter, run_model)
from op_testing import (F32, I32, REFERENCE_KERNELS, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES,
                        assert_rejected, check_op, check_quantized, rand, shape_id)
from unary_cases import assert_close_to_tflite, assert_one_kernel, check_every_byte, check_special

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

RANGE = (-6.0, 6.0)
FORMS = [dict(approximate=False), dict(approximate=True)]
FORM_IDS = ["erf", "tanh"]


@pytest.mark.parametrize("options", FORMS, ids=FORM_IDS)
@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape, options):
    check_op("GELU", [(shape, F32)], options=options, input_range=RANGE)


def test_default_options_are_the_erf_form():
    check_op("GELU", [((200,), F32)], input_range=RANGE)


@pytest.mark.parametrize("options, atol", [(FORMS[0], 4e-7), (FORMS[1], 1e-6)], ids=FORM_IDS)
def test_precision(options, atol):
    # The tanh form's larger atol: TFLite's (Eigen's) tanh rounds to -1 from |arg| ~ 8 on,
    # where 1 + tanh is still ~1.5e-7; near x = -5 TFLite then gives -0, jitlite ~ -4e-7.
    x = np.linspace(-10, 10, 20001, dtype=F32)
    assert_close_to_tflite("GELU", x, atol=atol, rtol=2e-7, options=options)


@pytest.mark.parametrize("options", FORMS, ids=FORM_IDS)
def test_special_values(options):
    # -inf gives NaN in TFLite too (-inf * 0); huge negative inputs give -0.
    check_special("GELU", SPECIAL_VALUES, options=options)


def test_chain_is_one_kernel():
    assert_one_kernel([("GELU", dict(approximate=True)), "NEG", ("GELU", None)],
                      input_range=RANGE)


@pytest.mark.parametrize("options", FORMS, ids=FORM_IDS)
def test_fused_into_fully_connected_epilogue(options):
    # The GEMM hands GELU whole vectors of columns (37 units: two full panels and a partial
    # one), inputs wide enough for every branch of erf / tanh.
    mb = ModelBuilder(description="FULLY_CONNECTED -> GELU")
    x = mb.add_input("x", F32, [5, 16])
    w, b = mb.add_constant("w", rand((37, 16), seed=1)), mb.add_constant("b", rand((37,), seed=2))
    fc, out = mb.add_tensor("fc", F32, [5, 37]), mb.add_tensor("out", F32, [5, 37])
    mb.add_op("FULLY_CONNECTED", [x, w, b], [fc])
    mb.add_op("GELU", [fc], [out], options)
    mb.mark_output(out)
    model = mb.build()
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    (kernel,) = interpreter.get_jit_details()["kernels"]
    assert kernel["op_indices"] == [0, 1]
    values = [rand((5, 16), seed=3, low=-3, high=3)]
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(TFLITE_KERNELS, model, values))


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("GELU", [((3,), I32)],
                    match="INT32, which TFLite's GELU does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("GELU", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


@pytest.mark.parametrize("options", FORMS, ids=FORM_IDS)
@pytest.mark.parametrize("quant", range(len(QUANTS)))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_table(dtype, quant, options):
    check_every_byte("GELU", dtype, *_quants(dtype, quant), options)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_quantized_shapes(dtype):
    in_q, out_q = _quants(dtype, 1)
    check_quantized("GELU", [((2, 3, 5, 7), dtype, in_q)], output_quant=out_q)


def test_quantized_output_of_other_type_is_rejected():
    assert_rejected("GELU", [((3,), np.int8, dict(scale=0.1, zero_point=0))],
                    output_dtypes=[np.uint8], output_quant=dict(scale=0.1, zero_point=0),
                    match="output has type UINT8 but input 0 has INT8")


@pytest.mark.parametrize("options", FORMS, ids=FORM_IDS)
@pytest.mark.parametrize("scales", [(2e-4, 2e-4), (1e-4, 3e-5), (5e-4, 1e-4)])
def test_quantized_int16(scales, options):
    # Every int16 value once: all 512 table steps and their interpolation.
    x = np.arange(-32768, 32768).astype(np.int16).reshape(64, 1024)
    model = build_op_model("GELU", [(x.shape, np.int16, dict(scale=scales[0], zero_point=0))],
                           options=options, output_quant=dict(scale=scales[1], zero_point=0),
                           output_shapes=[list(x.shape)])
    expected = run_model(REFERENCE_KERNELS, model, [x])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [x]), expected)


def test_quantized_int16_needs_zero_points_0():
    assert_rejected("GELU", [((3,), np.int16, dict(scale=0.001, zero_point=4))],
                    match="zero points 0")
