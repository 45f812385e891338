"""Hybrid (dynamic-range quantized) cases shared by the FULLY_CONNECTED, CONV_2D,
DEPTHWISE_CONV_2D and BATCH_MATMUL tests: float32 activations with INT8 constant weights
(per-tensor or per-channel scales; INT4/INT2 packed ones where LiteRT takes them), each input row
quantized at run time.

jitlite must match TFLite's own hybrid kernels -- LiteRT's reference kernels (BUILTIN_REF) and
its optimized kernels without delegates -- within check_op's float tolerance
(1e-5 * max|reference|). LiteRT's default resolver hands these ops to XNNPACK, whose
dynamic-range kernels quantize the inputs their own way (e.g. asymmetric rows where TFLite is
symmetric), so results differ by up to about half a percent of the output range: the
test_hybrid_default_resolver cases compare with it at XNNPACK_RTOL_OF_RANGE.
"""

import numpy as np

from jitlite.testing import (assert_outputs_match, build_op_model, jitlite_interpreter,
                             litert_interpreter, run_model)
from op_testing import REFERENCE_KERNELS, TFLITE_KERNELS

F32, I8 = np.float32, np.int8

# How far LiteRT's default resolver (XNNPACK) may be from jitlite, as a fraction of the
# reference output's range (seen: up to ~0.6%).
XNNPACK_RTOL_OF_RANGE = 2e-2


def int8_weights(shape, channel_axis, per_channel, seed=1, distinct=True):
    """A random INT8 constant with symmetric quantization: one scale, or one per channel along
    channel_axis (all equal when distinct=False: TFLite's CONV_2D then runs per-tensor)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(-127, 128, shape, dtype=I8)
    if not per_channel:
        return (values, dict(scale=0.013, zero_point=0))
    channels = shape[channel_axis]
    scales = list(rng.uniform(0.002, 0.03, channels)) if distinct else [0.01] * channels
    return (values, dict(scale=scales, zero_point=[0] * channels,
                         quantized_dimension=channel_axis))


def sub_byte_weights(shape, channel_axis, filter_type, per_channel, seed=1, distinct=True):
    """int8_weights narrowed to INT4 ([-8, 7]) or INT2 ([-2, 1]) and stored packed."""
    values, quant = int8_weights(shape, channel_axis, per_channel, seed, distinct)
    bits = {"INT4": 4, "INT2": 2}[filter_type]
    return ((values >> (8 - bits)).astype(I8), dict(quant, tensor_type=filter_type))


def hybrid_inputs(shape, seed=0, zero_rows=(), row_size=None):
    """Random float32 input; the rows listed in zero_rows (rows of row_size elements, default
    the last dimension) are all zeros (TFLite's zero-range rule: scale 1, q = 0)."""
    x = np.random.default_rng(seed).uniform(-2.0, 2.0, shape).astype(F32)
    flat = x.reshape(-1, row_size or shape[-1])
    for r in zero_rows:
        flat[r] = 0.0
    return flat.reshape(shape)


def check_hybrid(op, x, constants, options=None, *, default_resolver=False,
                 optimized_kernels=True):
    """Runs a one-op hybrid model on input x in jitlite and LiteRT and compares.

    Asserts jitlite == BUILTIN_REF and (unless optimized_kernels=False) == TFLite's optimized
    kernels (float tolerance), and with default_resolver=True the default resolver (XNNPACK)
    within XNNPACK_RTOL_OF_RANGE (used on unclamped outputs: a clamped range would make that
    relative bound meaningless).
    """
    build = dict(op=op, inputs=[(x.shape, F32)], constants=constants, options=options)
    reference = run_model(REFERENCE_KERNELS, build_op_model(**build), [x])
    model = build_op_model(**build, output_shapes=[list(r.shape) for r in reference],
                           output_dtypes=F32)
    expected = run_model(REFERENCE_KERNELS, model, [x])
    actual = run_model(jitlite_interpreter(), model, [x])
    context = f"{op} hybrid options={options or {}}"
    assert_outputs_match(actual, expected, context=context + " vs BUILTIN_REF")
    if optimized_kernels:
        optimized = run_model(TFLITE_KERNELS, model, [x])
        assert_outputs_match(actual, optimized, context=context + " vs TFLite optimized kernels")
    if default_resolver:
        default = run_model(litert_interpreter(), model, [x])
        assert_outputs_match(actual, default, rtol_of_range=XNNPACK_RTOL_OF_RANGE,
                             context=context + " vs default resolver (XNNPACK)")
    return actual[0]
