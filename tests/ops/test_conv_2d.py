"""CONV_2D against LiteRT: SAME/VALID padding, strides, dilations, every fused activation, kernel
sizes from 1x1 to larger than the input, batches, bias present/absent, a runtime filter, grouped
convolution, and the models jitlite must refuse. Input NHWC, filter OHWI."""

import math
import numpy as np
import pytest

from op_testing import (ACTIVATIONS, F32, I32, assert_rejected, check_against_variant, check_op,
                        check_threads,
                        check_quantized, rand, REFERENCE_KERNELS)
from jitlite.testing import ModelBuilder, assert_outputs_match, random_inputs, run_both
from jitlite.testing.check_op import build_op_model, jitlite_interpreter, run_model
from hybrid_cases import check_hybrid, hybrid_inputs, int8_weights, sub_byte_weights
from quantized_conv_cases import check_quantized_conv, quantized_bias, quantized_filter

INPUT = ((1, 9, 9, 3), F32)


def conv(input_shape, filter_shape, bias=True, seed=1):
    """Constants for a conv: filter [O, H, W, I] and bias [O] (None for no bias)."""
    return [rand(filter_shape, seed), rand((filter_shape[0],), seed + 1) if bias else None]


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (2, 1), (1, 3)], ids=str)
@pytest.mark.parametrize("dilation", [(1, 1), (2, 2), (1, 3)], ids=str)
def test_padding_stride_dilation(padding, stride, dilation):
    check_op("CONV_2D", [((1, 11, 10, 3), F32)], constants=conv(None, (5, 3, 3, 3)),
             options=dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                          dilation_h_factor=dilation[0], dilation_w_factor=dilation[1]))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_activation(activation):
    check_op("CONV_2D", [INPUT], constants=conv(None, (8, 3, 3, 3)),
             options=dict(padding="SAME", fused_activation_function=activation),
             input_range=(-3, 3))


@pytest.mark.parametrize("input_shape, filter_shape", [
    ((1, 8, 8, 4), (6, 1, 1, 4)),      # pointwise
    ((1, 1, 1, 5), (3, 1, 1, 5)),      # one pixel
    ((2, 7, 5, 3), (4, 3, 3, 3)),      # batch 2, odd sizes
    ((1, 6, 6, 1), (1, 5, 5, 1)),      # single channel in and out
    ((1, 5, 7, 2), (7, 2, 4, 2)),      # non-square kernel
    ((1, 4, 4, 16), (33, 3, 3, 16)),   # output channels not a multiple of the block
    ((3, 1, 9, 3), (5, 1, 3, 3)),      # 1-D conv along width
], ids=str)
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_shapes(input_shape, filter_shape, padding):
    check_op("CONV_2D", [(input_shape, F32)], constants=conv(input_shape, filter_shape),
             options=dict(padding=padding))


@pytest.mark.parametrize("stride", [1, 2])
def test_kernel_larger_than_input(stride):
    # SAME only: VALID needs the kernel to fit (a must-fail case below).
    check_op("CONV_2D", [((1, 3, 3, 2), F32)], constants=conv(None, (2, 5, 5, 2)),
             options=dict(padding="SAME", stride_h=stride, stride_w=stride))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_without_bias_is_zero_bias(padding):
    # LiteRT requires the bias input; jitlite treats an omitted (-1) or missing bias as zeros.
    w = rand((4, 3, 3, 3))
    options = dict(padding=padding, stride_w=2, stride_h=2)
    check_against_variant("CONV_2D", [INPUT], [w, None], [w, np.zeros(4, F32)], options)
    check_against_variant("CONV_2D", [INPUT], [w], [w, np.zeros(4, F32)], options)


def test_runtime_filter_and_bias():
    check_op("CONV_2D", [INPUT, ((4, 3, 3, 3), F32), ((4,), F32)],
             options=dict(padding="SAME", stride_h=2))


@pytest.mark.parametrize("groups, cin, cout", [(2, 6, 4), (3, 6, 6), (4, 8, 12)])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_grouped(groups, cin, cout, padding):
    check_op("CONV_2D", [((1, 7, 7, cin), F32)], constants=conv(None, (cout, 3, 3, cin // groups)),
             options=dict(padding=padding, fused_activation_function="RELU"))


def test_strided_dilated_relu6_batch():
    check_op("CONV_2D", [((2, 13, 12, 5), F32)], constants=conv(None, (7, 3, 2, 5)),
             options=dict(padding="SAME", stride_h=2, stride_w=3, dilation_h_factor=2,
                          fused_activation_function="RELU6"))


# --- few input channels (a network's first conv): the direct kernel on AVX-512 ---------------
# Interior tiles of up to 8 pixels x 32 channels read the input in place, border pixels
# (windows touching the padding) one at a time; channel counts off the 16/32 grid take masked
# panels.

@pytest.mark.parametrize("input_shape, filter_shape, stride, dilation", [
    ((1, 37, 35, 3), (32, 3, 3, 3), 2, 1),   # first conv of MobileNet, odd sizes
    ((1, 30, 29, 3), (16, 3, 3, 3), 2, 1),   # one panel
    ((2, 19, 27, 3), (40, 3, 3, 3), 2, 1),   # batch 2, 32 + a masked 8
    ((1, 17, 26, 1), (7, 5, 5, 1), 1, 1),    # one channel in, a part panel only
    ((1, 23, 21, 2), (24, 3, 2, 2), 1, 2),   # dilated, non-square
    ((1, 29, 31, 4), (64, 3, 3, 4), 1, 1),   # two groups of 32 columns
    ((1, 45, 47, 3), (64, 7, 7, 3), 2, 1),   # ResNet's 7x7 s2 (147 taps)
    ((1, 3, 4, 3), (8, 3, 3, 3), 1, 1),      # no interior pixel
], ids=str)
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_few_input_channels(input_shape, filter_shape, stride, dilation, padding):
    check_op("CONV_2D", [(input_shape, F32)], constants=conv(None, filter_shape),
             options=dict(padding=padding, stride_h=stride, stride_w=stride,
                          dilation_h_factor=dilation, dilation_w_factor=dilation,
                          fused_activation_function="RELU6"))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_few_input_channels_threads(padding):
    check_threads("CONV_2D", [((1, 113, 97, 3), F32)], constants=conv(None, (32, 3, 3, 3)),
                  options=dict(padding=padding, stride_h=2, stride_w=2))


def test_few_input_channels_equals_gathered_gemm(monkeypatch):
    """The direct kernel against the gathered GEMM it replaces (JITLITE_CONV_GATHERED)."""
    from jitlite.testing import build_op_model, jitlite_interpreter, run_model
    model = build_op_model("CONV_2D", [((1, 41, 39, 3), F32)], conv(None, (36, 3, 3, 3)),
                           dict(padding="SAME", stride_h=2, stride_w=2,
                                fused_activation_function="RELU"))
    values = random_inputs(model, 3)
    direct = run_model(jitlite_interpreter(), model, values)
    monkeypatch.setenv("JITLITE_CONV_GATHERED", "1")
    monkeypatch.setenv("JITLITE_CACHE_DIR", "off")
    gathered = run_model(jitlite_interpreter(), model, values)
    np.testing.assert_allclose(direct[0], gathered[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("op", ["ADD", "MUL"])
def test_few_input_channels_fused_epilogue(op):
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [1, 21, 23, 3])
    w = mb.add_constant("w", rand((20, 3, 3, 3), 5))
    bias = mb.add_constant("b", rand((20,), 6))
    y = mb.add_tensor("y", np.float32, [1, 11, 12, 20])
    mb.add_op("CONV_2D", [x, w, bias], [y], dict(padding="SAME", stride_h=2, stride_w=2))
    r = mb.add_constant("r", rand((20,), 7))
    z = mb.add_tensor("z", np.float32, [1, 11, 12, 20])
    mb.add_op(op, [y, r], [z], dict(fused_activation_function="RELU6"))
    mb.mark_output(z)
    model = mb.build()
    actual, expected = run_both(model, random_inputs(model))
    assert_outputs_match(actual, expected)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_rank_3_input():
    assert_rejected("CONV_2D", [((9, 9, 3), F32)], constants=conv(None, (4, 3, 3, 3)),
                    match="input 0 has rank 3", litert_rejects=True)


def test_rejects_channel_mismatch():
    assert_rejected("CONV_2D", [((1, 9, 9, 5), F32)], constants=conv(None, (4, 3, 3, 3)),
                    match="input depth must equal the filter depth", litert_rejects=True)


def test_rejects_groups_not_dividing_output_channels():
    assert_rejected("CONV_2D", [((1, 9, 9, 6), F32)], constants=conv(None, (5, 3, 3, 3)),
                    match="multiple of the group count", litert_rejects=True)


def test_rejects_bias_size():
    assert_rejected("CONV_2D", [INPUT], constants=[rand((4, 3, 3, 3)), rand((5,))],
                    match="one per output channel", litert_rejects=True)


def test_rejects_int32_bias():
    assert_rejected("CONV_2D", [INPUT], constants=[rand((4, 3, 3, 3)), np.zeros(4, I32)],
                    match="needs a FLOAT32 bias", litert_rejects=True)


def test_rejects_zero_stride():
    assert_rejected("CONV_2D", [INPUT], constants=conv(None, (4, 3, 3, 3)),
                    options=dict(stride_w=0), match="stride_w is 0")


def test_rejects_zero_dilation():
    assert_rejected("CONV_2D", [INPUT], constants=conv(None, (4, 3, 3, 3)),
                    options=dict(dilation_h_factor=0), match="dilation_h_factor is 0")


def test_rejects_valid_kernel_larger_than_input():
    assert_rejected("CONV_2D", [((1, 3, 3, 3), F32)], constants=conv(None, (4, 5, 5, 3)),
                    options=dict(padding="VALID"), match="output height would be 0")


def test_rejects_unknown_padding():
    assert_rejected("CONV_2D", [INPUT], constants=conv(None, (4, 3, 3, 3)),
                    options=dict(padding=2), match="padding 2 is not a valid Padding")


def test_rejects_unknown_activation():
    assert_rejected("CONV_2D", [INPUT], constants=conv(None, (4, 3, 3, 3)),
                    options=dict(fused_activation_function=7),
                    match="fused_activation_function 7 is not a valid")


def test_rejects_int32_input():
    assert_rejected("CONV_2D", [((1, 5, 5, 3), I32)], constants=[np.ones((4, 3, 3, 3), I32)],
                    match="CONV_2D with input type INT32, which TFLite does not accept",
                    litert_rejects=True)


@pytest.mark.parametrize("scheme", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 9, 9, 3), (8, 3, 3, 3), dict(padding="SAME")),
    ((2, 7, 6, 5), (4, 3, 2, 5), dict(padding="VALID", stride_h=2, stride_w=1)),
    ((1, 8, 8, 16), (12, 1, 1, 16), dict(padding="SAME")),
    ((1, 9, 10, 4), (6, 3, 3, 4), dict(padding="SAME", stride_h=2, stride_w=2,
                                       fused_activation_function="RELU6")),
    ((1, 11, 11, 3), (5, 3, 3, 3), dict(padding="SAME", dilation_h_factor=2,
                                        dilation_w_factor=3, fused_activation_function="RELU")),
    ((1, 6, 6, 8), (6, 3, 3, 4), dict(padding="SAME", fused_activation_function="RELU_N1_TO_1")),
], ids=str)
def test_quantized(scheme, per_channel, input_shape, filter_shape, options):
    if scheme == "uint8" and per_channel:
        pytest.skip("UINT8 filters are per-tensor only")
    check_quantized_conv("CONV_2D", input_shape, filter_shape, 0, scheme, per_channel,
                         options=options)


# INT8 shapes at the edges of the VNNI GEMM's tiles (k in quads, 16-channel panels in groups
# of 4, tiles of rows): k not a multiple of 4, channels not a multiple of 16 or 64, pixel counts
# not a multiple of the tile rows, SAME padding with a nonzero input zero point, strides,
# dilation, a deep window.
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 7, 5, 13), (37, 1, 1, 13), dict(padding="VALID")),
    ((2, 6, 6, 64), (144, 1, 1, 64), dict(padding="SAME", fused_activation_function="RELU6")),
    ((1, 5, 7, 24), (16, 1, 1, 24), dict(padding="SAME")),
    ((1, 9, 9, 6), (70, 1, 1, 6), dict(padding="SAME", stride_h=2, stride_w=2)),
    ((1, 10, 9, 5), (20, 3, 3, 5), dict(padding="SAME", stride_h=2, stride_w=2,
                                        fused_activation_function="RELU")),
    ((1, 9, 8, 8), (33, 3, 3, 8), dict(padding="SAME", dilation_h_factor=2,
                                       dilation_w_factor=2)),
    ((1, 6, 5, 130), (65, 3, 3, 130), dict(padding="VALID")),
    ((1, 4, 4, 3), (1, 2, 2, 3), dict(padding="SAME")),
    # Window rows copied as vectors inside the input, with dilation down the rows only, and
    # rows wider than the vector copy takes (3 x 200 bytes).
    ((1, 11, 9, 8), (20, 3, 3, 8), dict(padding="SAME", dilation_h_factor=2)),
    ((1, 5, 5, 200), (18, 3, 3, 200), dict(padding="SAME")),
], ids=str)
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
def test_quantized_int8_tile_edges(input_shape, filter_shape, options, per_channel):
    check_quantized_conv("CONV_2D", input_shape, filter_shape, 0, "int8", per_channel,
                         options=options)


# The GEMM epilogue requantizes in float on AVX-512 hosts as one floor of
# v + 1/2 + sign * 2^-(n+1). Effective scales 2^-1 .. 2^-16 put many outputs exactly on ties
# of both of the reference's roundings (SaturatingRoundingDoublingHighMul at bit 31,
# RoundingDivideByPOT at bit 31 + n), where that float value is exact and only the formula
# decides (without the sign term 6 of these 8 cases fail); the other channels take random
# scales. Output zero points at both ends and RELU6 ranges inside and at the int8 limits.
@pytest.mark.parametrize("activation, zero_point", [
    ("NONE", 5), ("RELU6", -128), ("RELU6", 20), ("RELU", 127)], ids=str)
@pytest.mark.parametrize("cout", [40, 64])
def test_quantized_int8_requantization_ties(activation, zero_point, cout):
    rng = np.random.default_rng(7)
    s_in, s_out = 0.0625, 6.0 / 255
    powers = [2.0 ** -(c + 1) * s_out / s_in for c in range(16)]
    scales = powers + list(rng.uniform(0.002, 0.03, cout - 16))
    values = rng.integers(-127, 127, (cout, 1, 1, 24), dtype=np.int8, endpoint=True)
    quant = dict(scale=scales, zero_point=[0] * cout, quantized_dimension=0)
    bias = (rng.integers(-3000, 3000, cout).astype(np.int32),
            dict(scale=[s_in * s for s in scales], zero_point=[0] * cout))
    check_quantized("CONV_2D", [((1, 15, 17, 24), np.int8, dict(scale=s_in, zero_point=-3))],
                    [(values, quant), bias],
                    dict(padding="VALID", fused_activation_function=activation),
                    output_dtype=np.int8, output_quant=dict(scale=s_out, zero_point=zero_point))


def _reference_requantize(acc, multiplier, shift):
    """TFLite's MultiplyByQuantizedMultiplier (shift <= 0) on int64 arrays."""
    product = acc * multiplier
    nudged = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(nudged >= 0, nudged >> 31, -((-nudged) >> 31))
    exponent = -shift
    mask = (1 << exponent) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> exponent) + ((high & mask) > threshold)


def _float_requantize(acc, multiplier, shift, zero_point):
    """The float path of the int8 GEMM epilogue without its exactness check: floor of one
    float32 FMA (exact in float64, then rounded once)."""
    right = -shift
    a = acc.astype(np.float32)
    scale = np.float32(np.float32(multiplier) * np.float32(2.0 ** -(31 + right)))
    step = np.where(a < 0, -1.0, 1.0) * (2.0 ** -(right + 1) if right > 0 else 0.0)
    offset = (np.float32(zero_point + 0.5) + step.astype(np.float32)).astype(np.float32)
    w = (a.astype(np.float64) * np.float64(scale) + offset.astype(np.float64)).astype(np.float32)
    return np.floor(w).astype(np.int64)


def _quantize_multiplier(real):
    q, e = math.frexp(real)
    m = int(math.floor(abs(q) * (1 << 31) + 0.5))
    if m == 1 << 31:
        m, e = m // 2, e + 1
    return m, e


# Accumulators where float32 rounding alone would put the epilogue's floor on the wrong side
# of an integer (found by search per channel, reached through the bias): only the exactness
# check sends them to the fixed-point path.
def test_quantized_int8_requantization_near_integers():
    rng = np.random.default_rng(11)
    s_in, s_out, zp_in, zp_out, cout = 0.5, 1.0, 0, 3, 16
    scales, biases = [], []
    while len(scales) < cout:
        w_scale = float(np.float32(rng.uniform(1e-4, 4e-4)))
        m, shift = _quantize_multiplier(float(np.float32(s_in)) * w_scale / float(np.float32(s_out)))
        acc = np.arange(-int(100 / (s_in * w_scale)), int(100 / (s_in * w_scale)), dtype=np.int64)
        exact = _reference_requantize(acc, m, shift) + zp_out
        wrong = np.nonzero(_float_requantize(acc, m, shift, zp_out) != exact)[0]
        if wrong.size:
            scales.append(w_scale)
            biases.append(int(acc[rng.choice(wrong)]))
    assert len(scales) == cout
    # Filter 1 on the one input channel: acc = x - zp_in + bias, x over every int8 value, so
    # x = 0 meets the chosen accumulator.
    values = np.ones((cout, 1, 1, 1), np.int8)
    quant = dict(scale=scales, zero_point=[0] * cout, quantized_dimension=0)
    bias = (np.array(biases, np.int32), dict(scale=[s_in * s for s in scales], zero_point=[0] * cout))
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 16, 16, 1)
    model = build_op_model("CONV_2D", [((1, 16, 16, 1), np.int8,
                                        dict(scale=s_in, zero_point=zp_in))],
                           [(values, quant), bias], dict(padding="VALID"),
                           output_shapes=[[1, 16, 16, cout]], output_dtypes=np.int8,
                           output_quant=dict(scale=s_out, zero_point=zp_out))
    expected = run_model(REFERENCE_KERNELS, model, [x])
    assert_outputs_match(run_model(jitlite_interpreter(), model, [x]), expected)


@pytest.mark.parametrize("zero_point", [-128, 127])
def test_quantized_int8_padding_at_extreme_zero_points(zero_point):
    weights = quantized_filter((18, 3, 3, 7), 0, "int8", True)
    check_quantized("CONV_2D", [((1, 8, 7, 7), np.int8, dict(scale=0.05, zero_point=zero_point))],
                    [weights, quantized_bias(18, "int8", 0.05, weights[1])], dict(padding="SAME"),
                    output_dtype=np.int8,
                    output_quant=dict(scale=0.3, zero_point=-7))


# A quantized ADD / SUB / MUL after the conv (MobileNetV2's residuals) runs in the kernel's
# epilogue on whole vectors of 16 channels after the requantization (masked past cout), its
# other operand a same-shape tensor, a per-channel constant or a scalar.
EPILOGUE_OPERANDS = {"residual": None, "per_channel": (21,), "scalar": (1,)}


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("operand", EPILOGUE_OPERANDS)
@pytest.mark.parametrize("cout", [21, 32])
def test_quantized_int8_fused_epilogue(stride, op, operand, cout):
    out = [1, -(-6 // stride), -(-5 // stride), cout]
    mb = ModelBuilder()
    x = mb.add_input("x", np.int8, [1, 6, 5, 20], scale=0.04, zero_point=-3)
    values, quant = quantized_filter((cout, 1, 1, 20), 0, "int8", True)
    w = mb.add_constant("w", values, **quant)
    bias_values, bias_quant = quantized_bias(cout, "int8", 0.04, quant)
    bias = mb.add_constant("b", bias_values, **bias_quant)
    y = mb.add_tensor("y", np.int8, out, scale=0.09, zero_point=5)
    mb.add_op("CONV_2D", [x, w, bias], [y], dict(padding="VALID", stride_h=stride, stride_w=stride))
    shape = EPILOGUE_OPERANDS[operand]
    if shape is None:
        r = mb.add_input("r", np.int8, out, scale=0.07, zero_point=2)
    else:
        shape = (cout,) if shape == (21,) else shape
        constant = np.random.default_rng(4).integers(-128, 128, shape).astype(np.int8)
        r = mb.add_constant("r", constant, scale=0.07, zero_point=2)
    z = mb.add_tensor("z", np.int8, out, scale=0.1, zero_point=-1)
    mb.add_op(op, [y, r], [z], dict(fused_activation_function="RELU"))
    mb.mark_output(z)
    model = mb.build()
    actual, expected = run_both(model, random_inputs(model), reference=REFERENCE_KERNELS)
    assert_outputs_match(actual, expected)
    from jitlite import Interpreter
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()
    symbols = [k["symbol"] for k in interpreter.get_jit_details()["kernels"]]
    assert symbols == [f"k0_conv_2d_{op.lower()}"]


def test_quantized_rejects_float_output():
    assert_rejected("CONV_2D", [((1, 5, 5, 3), np.int8, dict(scale=0.1))],
                    constants=[(np.ones((4, 3, 3, 3), np.int8), dict(scale=0.1)),
                               (np.zeros(4, I32), dict(scale=0.01))],
                    output_dtypes=[F32], match="output has type FLOAT32; a INT8 CONV_2D")


def test_quantized_rejects_wrong_channel_count():
    assert_rejected("CONV_2D", [((1, 5, 5, 3), np.int8, dict(scale=0.1))],
                    constants=[(np.ones((4, 3, 3, 3), np.int8),
                                dict(scale=[0.1] * 3, zero_point=[0] * 3, quantized_dimension=3)),
                               (np.zeros(4, I32), dict(scale=0.01))],
                    match="per-channel scales along dimension 3")


# Per-tensor filters (and per-channel ones with equal scales) take TFLite's symmetric HybridConv,
# per-channel ones with distinct scales its asymmetric HybridConvPerChannel.
HYBRID_FILTERS = {"per_tensor": dict(per_channel=False),
                  "equal_scales": dict(per_channel=True, distinct=False),
                  "per_channel": dict(per_channel=True)}


@pytest.mark.parametrize("filters", HYBRID_FILTERS)
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 5, 5, 1), (1, 1, 1, 1), dict(padding="VALID")),
    ((2, 9, 8, 3), (4, 3, 3, 3), dict(padding="SAME")),
    ((3, 7, 7, 5), (6, 3, 2, 5), dict(padding="VALID", stride_h=2, stride_w=1)),
    ((2, 10, 9, 4), (8, 3, 3, 4), dict(padding="SAME", stride_h=2, stride_w=2)),
    ((1, 11, 10, 3), (5, 3, 3, 3), dict(padding="SAME", dilation_h_factor=2,
                                        dilation_w_factor=3)),
    ((2, 6, 6, 16), (7, 1, 1, 16), dict(padding="VALID")),
], ids=str)
def test_hybrid(input_shape, filter_shape, options, filters):
    options = dict(dict(stride_h=1, stride_w=1), **options)
    # Batch image 1 (when there is one) is all zeros: scale 1, q = 0.
    x = hybrid_inputs(input_shape, zero_rows=[1] if input_shape[0] > 1 else [],
                      row_size=int(np.prod(input_shape[1:])))
    check_hybrid("CONV_2D", x, [int8_weights(filter_shape, 0, **HYBRID_FILTERS[filters]),
                                rand((filter_shape[0],), 2)], options)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("filters", ["per_tensor", "per_channel"])
def test_hybrid_activation(activation, filters):
    check_hybrid("CONV_2D", hybrid_inputs((2, 6, 6, 3), seed=3),
                 [int8_weights((4, 3, 3, 3), 0, **HYBRID_FILTERS[filters]), rand((4,), 2)],
                 dict(padding="SAME", stride_h=1, stride_w=1,
                      fused_activation_function=activation))


def test_hybrid_grouped_per_channel():
    check_hybrid("CONV_2D", hybrid_inputs((2, 6, 6, 4)),
                 [int8_weights((6, 3, 3, 2), 0, True), rand((6,), 2)],
                 dict(padding="SAME", stride_h=1, stride_w=1))


def test_hybrid_large_image_quantizes_at_each_load():
    # 48*48*32 floats per image: more than the 64 KiB stack scratch.
    x = hybrid_inputs((2, 48, 48, 32), row_size=48 * 48 * 32)
    check_hybrid("CONV_2D", x, [int8_weights((2, 1, 1, 32), 0, True), rand((2,), 2)],
                 dict(padding="VALID", stride_h=3, stride_w=3))


def test_hybrid_rejects_grouped_per_tensor():
    assert_rejected("CONV_2D", [((1, 5, 5, 4), F32)],
                    constants=[(np.ones((4, 3, 3, 2), np.int8), dict(scale=0.1)), rand((4,))],
                    match="grouped hybrid CONV_2D")


def test_hybrid_rejects_scales_on_wrong_axis():
    assert_rejected("CONV_2D", [INPUT],
                    constants=[(np.ones((4, 3, 3, 3), np.int8),
                                dict(scale=[0.1] * 3, zero_point=[0] * 3, quantized_dimension=3)),
                               rand((4,))],
                    match="takes one scale or 4 along dimension 0")


def test_hybrid_rejects_uint8_filter():
    assert_rejected("CONV_2D", [INPUT],
                    constants=[(np.ones((4, 3, 3, 3), np.uint8), dict(scale=0.1)), rand((4,))],
                    match="UINT8 filter \\(hybrid\\) is not supported")


@pytest.mark.parametrize("filters", ["per_tensor", "per_channel"])
def test_hybrid_default_resolver(filters):
    check_hybrid("CONV_2D", hybrid_inputs((2, 8, 8, 4), seed=5),
                 [int8_weights((6, 3, 3, 4), 0, **HYBRID_FILTERS[filters]), rand((6,), 2)],
                 dict(padding="SAME", stride_h=1, stride_w=1), default_resolver=True)


# INT4 filters (packed constants, unpacked at allocate time) on the INT8 and 16x8 kernels,
# bit-exact with BUILTIN_REF; 4 * 3 * 3 * 3 = 108 and 5 * 3 * 3 * 7 = 315 elements (odd).
@pytest.mark.parametrize("scheme", ["int8", "int16"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 5, 5, 3), (4, 3, 3, 3), dict(padding="SAME")),
    ((2, 7, 6, 7), (5, 3, 3, 7), dict(padding="VALID", stride_h=2, fused_activation_function="RELU")),
    ((1, 6, 5, 13), (37, 1, 1, 13), dict(padding="VALID")),      # VNNI GEMM tile edges
    ((1, 6, 6, 8), (6, 3, 3, 4), dict(padding="SAME", fused_activation_function="RELU6")),
], ids=str)
def test_int4_filter(scheme, per_channel, input_shape, filter_shape, options):
    check_quantized_conv("CONV_2D", input_shape, filter_shape, 0, scheme, per_channel,
                         options=options, filter_type="INT4")


def test_int2_filter_is_rejected():
    # LiteRT's CONV_2D takes INT8 or INT4 filters only.
    weights = (np.zeros((4, 3, 3, 3), np.int8), dict(tensor_type="INT2", scale=0.1))
    assert_rejected("CONV_2D", [((1, 5, 5, 3), np.int8, dict(scale=0.1))],
                    constants=[weights, (np.zeros(4, I32), dict(scale=0.01))],
                    match="needs a INT8 \\(or INT4\\) filter \\(input 1\\); got INT2",
                    litert_rejects=True)


@pytest.mark.parametrize("filters", HYBRID_FILTERS)
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 5, 5, 3), (4, 3, 3, 3), dict(padding="SAME")),
    ((2, 7, 6, 5), (7, 3, 2, 5), dict(padding="VALID", stride_h=2)),
], ids=str)
def test_hybrid_int4_filter(input_shape, filter_shape, options, filters):
    x = hybrid_inputs(input_shape, zero_rows=[1] if input_shape[0] > 1 else [],
                      row_size=int(np.prod(input_shape[1:])))
    check_hybrid("CONV_2D", x, [sub_byte_weights(filter_shape, 0, "INT4", **HYBRID_FILTERS[filters]),
                                rand((filter_shape[0],), 2)], dict(options, stride_w=1))
