"""SOFTMAX against LiteRT: along the last axis of inputs of rank 1 to 6, beta values (including
0, the schema default), size-1 and long rows (longer than the stack row buffer), wide input
ranges, special values, and the models jitlite must refuse."""

import signal
import subprocess
import sys

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, build_op_model, jitlite_interpreter, run_model

from jitlite.testing import litert_interpreter
from op_testing import (DEFAULT_RESOLVER_STEPS, F32, I32, REFERENCE_KERNELS, TFLITE_KERNELS,
                        assert_rejected, check_op, check_quantized, check_values, shape_id)

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


def test_masked_logits_and_tiny_exps():
    # Attention rows masked with -FLT_MAX (the logits x - FLT_MAX): those exps are 0. Diffs
    # from the row max around -87 (exps near the smallest normal float, where the kernel
    # flushes to 0), a fully masked row, and rows of 37 (a masked tail vector).
    rng = np.random.default_rng(3)
    logits = rng.uniform(-3, 3, (6, 37)).astype(F32)
    masked = rng.random((6, 37)) < 0.5
    masked[:, 0] = False
    masked[5] = True
    rows = np.where(masked, logits - np.finfo(F32).max, logits).astype(F32)
    rows[4, 1:] = np.linspace(-84.0, -90.0, 36, dtype=F32) + rows[4, 0]
    check_values("SOFTMAX", [rows], options=dict(beta=1.0))
    check_values("SOFTMAX", [rows], options=dict(beta=1.0), reference=TFLITE_KERNELS)


@pytest.mark.parametrize("epilogue", ["MUL", "TANH"], ids=["vector", "scalar"])
def test_fused_epilogue(epilogue):
    # The vector rows hand whole vectors (the last one masked) to a following op fused into
    # the kernel; the MUL operand varies along the row, so a wrong column shows.
    from jitlite.testing import ModelBuilder, random_inputs, run_both
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [3, 2, 41])
    prob = mb.add_tensor("prob", F32, [3, 2, 41])
    mb.add_op("SOFTMAX", [x], [prob], dict(beta=1.0))
    z = mb.add_tensor("z", F32, [3, 2, 41])
    if epilogue == "MUL":
        c = mb.add_constant("c", np.linspace(-2, 3, 41).astype(F32))
        mb.add_op("MUL", [prob, c], [z])
    else:
        mb.add_op("TANH", [prob], [z])
    mb.mark_output(z)
    model = mb.build()
    actual, expected = run_both(model, random_inputs(model))
    assert_outputs_match(actual, expected)


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


# --- quantized, beta * input scale <= 2^-26: TFLite's optimized kernel, bit-exact ----------------
# BUILTIN_REF aborts the process on these models (QuantizeMultiplierGreaterThanOne), so they are
# compared with TFLite's optimized kernels (float exp table), and never run on BUILTIN_REF here.

def check_exp_table(inputs, **build):
    """check_op against TFLite's optimized kernels; records the default resolver's distance."""
    result = check_op("SOFTMAX", inputs, reference=TFLITE_KERNELS, **build)
    default = run_model(litert_interpreter(), result.model, result.inputs)[0]
    steps = int(np.max(np.abs(default.astype(np.int64) - result.expected[0]), initial=0))
    key = "SOFTMAX (exp table)"
    DEFAULT_RESOLVER_STEPS[key] = max(DEFAULT_RESOLVER_STEPS.get(key, 0), steps)


@pytest.mark.parametrize("in_dtype, out_dtype", [(np.int8, np.int8), (np.uint8, np.uint8),
                                                 (np.int8, np.int16), (np.uint8, np.int16)])
@pytest.mark.parametrize("scale, beta", [(1e-9, 1.0), (1.4e-8, 1.0), (3e-8, 0.5), (2 ** -26, 1.0),
                                         (1e-3, 1e-6), (0.1, 0.0)])
def test_quantized_tiny_beta_times_scale(in_dtype, out_dtype, scale, beta):
    zp = 3 if in_dtype == np.int8 else 130
    check_exp_table([((3, 17), in_dtype, dict(scale=scale, zero_point=zp))],
                    options=dict(beta=beta), output_dtype=out_dtype, output_quant=OUT_Q[out_dtype])


@pytest.mark.parametrize("shape", [(1,), (2, 1, 7), (2, 3, 1000), (1, 1001)], ids=shape_id)
def test_quantized_tiny_beta_times_scale_shapes(shape):
    check_exp_table([(shape, np.int8, dict(scale=1.2e-8, zero_point=-4))],
                    options=dict(beta=1.0), output_quant=OUT_Q[np.int8])


@pytest.mark.parametrize("out_dtype, out_q", [(np.uint8, dict(scale=1.0005 / 256, zero_point=7)),
                                              (np.int16, dict(scale=1 / 32768, zero_point=0))])
def test_quantized_tiny_beta_times_scale_uses_the_output_parameters(out_dtype, out_q):
    # The optimized kernel divides by the output scale (and adds the zero point, except for
    # UINT8 on x86); the reference kernel implies both from the type.
    check_exp_table([((4, 9), np.uint8, dict(scale=1e-9, zero_point=0))], options=dict(beta=1.0),
                    output_dtype=out_dtype, output_quant=out_q)


def test_builtin_ref_aborts_on_tiny_beta_times_scale():
    # Why the regime follows the optimized kernel: TFLite's reference kernel aborts the process.
    script = (
        "import numpy as np\n"
        "from jitlite.testing import build_op_model, litert_interpreter, run_model\n"
        "m = build_op_model('SOFTMAX', [((2, 5), np.int8, dict(scale=1e-9, zero_point=0))],\n"
        "                   options=dict(beta=1.0), output_shapes=[[2, 5]],\n"
        "                   output_quant=dict(scale=1 / 256, zero_point=-128))\n"
        "run_model(litert_interpreter('BUILTIN_REF'), m, [np.zeros((2, 5), np.int8)])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == -signal.SIGABRT, (done.returncode, done.stderr[-500:])


def test_int8_output_zero_point_must_be_minus_128():
    assert_rejected("SOFTMAX", [((2, 3), np.int8, dict(scale=0.1, zero_point=0))],
                    output_quant=dict(scale=1 / 256, zero_point=0), options=dict(beta=1.0),
                    match="INT8 SOFTMAX needs -128", litert_rejects=True)


def test_int8_output_scale_must_be_1_over_256():
    assert_rejected("SOFTMAX", [((2, 3), np.int8, dict(scale=0.1, zero_point=0))],
                    output_quant=dict(scale=1 / 128, zero_point=-128), options=dict(beta=1.0),
                    match="INT8 SOFTMAX needs 1/256", litert_rejects=True)
