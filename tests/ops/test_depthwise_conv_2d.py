"""DEPTHWISE_CONV_2D against LiteRT: SAME/VALID padding, strides, dilations, depth multipliers,
every fused activation, batches, odd shapes, bias present/absent, a runtime filter, a fused
elementwise epilogue, and the models jitlite must refuse. Input NHWC, filter
[1, H, W, channels * multiplier].

The kernel computes blocks of 16 output channels for groups of up to 8 adjacent output pixels;
the shapes below also cover partial channel blocks, groups shorter than 8, border columns with
clamped taps, multipliers whose blocks replicate (M <= 16) or broadcast (M > 16) input channels,
and filters too wide to unroll for a whole group."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, assert_outputs_match, jitlite_interpreter, run_model
from hybrid_cases import check_hybrid, hybrid_inputs, int8_weights
from quantized_conv_cases import check_quantized_conv
from op_testing import (ACTIVATIONS, F32, I32, REFERENCE_KERNELS, TFLITE_KERNELS,
                        assert_rejected, check_against_variant, check_op, rand)

import jitlite

INPUT = ((1, 9, 9, 4), F32)


def dw(channels, kernel=(3, 3), multiplier=1, seed=1):
    """Filter [1, KH, KW, channels * multiplier] and bias."""
    cout = channels * multiplier
    return [rand((1, *kernel, cout), seed), rand((cout,), seed + 1)]


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (1, 2), (3, 1)], ids=str)
@pytest.mark.parametrize("dilation", [(1, 1), (2, 2), (3, 1)], ids=str)
def test_padding_stride_dilation(padding, stride, dilation):
    check_op("DEPTHWISE_CONV_2D", [((1, 11, 10, 4), F32)], constants=dw(4),
             options=dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                          dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
                          depth_multiplier=1))


@pytest.mark.parametrize("channels, multiplier", [(1, 1), (1, 8), (3, 2), (4, 3), (8, 1),
                                                  (5, 4), (18, 2), (37, 1), (2, 9), (1, 16),
                                                  (2, 20), (1, 33)])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_depth_multiplier(channels, multiplier, padding):
    check_op("DEPTHWISE_CONV_2D", [((1, 7, 6, channels), F32)], constants=dw(channels, (3, 3),
             multiplier), options=dict(padding=padding, depth_multiplier=multiplier))


def test_depth_multiplier_option_disagreeing_with_shapes():
    # TFLite's float kernel derives the multiplier from the shapes and runs such models; the
    # XNNPACK delegate fails to prepare them, hence TFLite's kernels as the reference.
    check_op("DEPTHWISE_CONV_2D", [INPUT], constants=dw(4, multiplier=2),
             options=dict(depth_multiplier=1), reference=TFLITE_KERNELS)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_activation(activation):
    check_op("DEPTHWISE_CONV_2D", [INPUT], constants=dw(4, multiplier=2), input_range=(-3, 3),
             options=dict(padding="SAME", depth_multiplier=2, fused_activation_function=activation))


@pytest.mark.parametrize("input_shape, kernel, multiplier", [
    ((2, 7, 5, 3), (3, 3), 1),     # batch 2, odd sizes
    ((1, 1, 1, 6), (1, 1), 1),     # one pixel, 1x1
    ((1, 5, 7, 2), (2, 4), 2),     # non-square kernel
    ((1, 3, 3, 2), (5, 5), 1),     # kernel larger than the input (SAME)
    ((1, 4, 4, 64), (3, 3), 1),    # wide channel row
    ((1, 2, 2, 4200), (3, 3), 1),  # more channels than one accumulator block
    ((3, 1, 9, 3), (1, 3), 1),     # 1-D along width
], ids=str)
def test_shapes(input_shape, kernel, multiplier):
    check_op("DEPTHWISE_CONV_2D", [(input_shape, F32)],
             constants=dw(input_shape[3], kernel, multiplier),
             options=dict(padding="SAME", depth_multiplier=multiplier))


@pytest.mark.parametrize("channels", [20, 180])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride, dilation", [((1, 1), (1, 1)), ((2, 2), (1, 1)),
                                              ((1, 3), (1, 2)), ((2, 1), (2, 3))], ids=str)
def test_wide_rows(padding, stride, dilation, channels):
    # 29 columns: full groups of 8 pixels, a shorter group and border columns. 20 channels: a
    # full channel block and a 4-lane one; 180: 11 full blocks, which narrow groups take 8 (or
    # 2, 1) at a time, then the rest, then a 4-lane block.
    check_op("DEPTHWISE_CONV_2D", [((1, 6, 29, channels), F32)], constants=dw(channels),
             options=dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                          dilation_h_factor=dilation[0], dilation_w_factor=dilation[1],
                          depth_multiplier=1, fused_activation_function="RELU6"))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("kernel", [(5, 5), (7, 9), (1, 20), (2, 70)], ids=str)
def test_large_kernels(padding, kernel):
    # Windows too large to unroll whole: fewer pixels per group, tap loops.
    check_op("DEPTHWISE_CONV_2D", [((1, 9, 75, 18), F32)], constants=dw(18, kernel),
             options=dict(padding=padding, depth_multiplier=1))


def test_strided_dilated_relu6_batch():
    check_op("DEPTHWISE_CONV_2D", [((2, 13, 12, 6), F32)], constants=dw(6, (3, 2), 2),
             options=dict(padding="SAME", stride_h=2, stride_w=3, dilation_w_factor=2,
                          depth_multiplier=2, fused_activation_function="RELU6"))


def test_without_bias_is_zero_bias():
    # LiteRT requires the bias input; jitlite treats an omitted one as zeros.
    w = rand((1, 3, 3, 8))
    check_against_variant("DEPTHWISE_CONV_2D", [INPUT], [w, None], [w, np.zeros(8, F32)],
                          dict(padding="VALID", depth_multiplier=2))


def test_runtime_filter_and_bias():
    check_op("DEPTHWISE_CONV_2D", [INPUT, ((1, 3, 3, 4), F32), ((4,), F32)],
             options=dict(padding="SAME", stride_w=2, depth_multiplier=1))


@pytest.mark.parametrize("channels, multiplier", [(20, 1), (180, 1), (3, 2), (2, 20)])
@pytest.mark.parametrize("activation", ["NONE", "RELU6"])
def test_fused_epilogue(channels, multiplier, activation):
    # DEPTHWISE_CONV_2D -> HARD_SWISH is one kernel: each element goes through the fused
    # epilogue instead of the kernel's own vector stores.
    cout = channels * multiplier
    mb = ModelBuilder(description="depthwise + hard swish")
    x = mb.add_input("x", F32, [2, 7, 19, cout // multiplier])
    w = mb.add_constant("w", rand((1, 3, 3, cout), 1))
    b = mb.add_constant("b", rand((cout,), 2))
    d = mb.add_tensor("d", F32, [2, 4, 10, cout])
    mb.add_op("DEPTHWISE_CONV_2D", [x, w, b], [d],
              dict(padding="SAME", stride_h=2, stride_w=2, depth_multiplier=multiplier,
                   fused_activation_function=activation))
    y = mb.add_tensor("y", F32, [2, 4, 10, cout])
    mb.add_op("HARD_SWISH", [d], [y])
    mb.mark_output(y)
    model = mb.build()
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    assert [k["op_indices"] for k in interpreter.get_jit_details()["kernels"]] == [[0, 1]]
    values = [np.random.default_rng(0).uniform(-3, 3, (2, 7, 19, channels)).astype(F32)]
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(TFLITE_KERNELS, model, values))


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_filter_batch_not_1():
    assert_rejected("DEPTHWISE_CONV_2D", [INPUT], constants=[rand((2, 3, 3, 4)), rand((4,))],
                    match="must be \\[1, height, width, channels\\]")


def test_rejects_output_channels_not_a_multiple():
    assert_rejected("DEPTHWISE_CONV_2D", [INPUT], constants=[rand((1, 3, 3, 6)), rand((6,))],
                    match="not a multiple of the 4 input channels", litert_rejects=True)


def test_rejects_rank_3_input():
    assert_rejected("DEPTHWISE_CONV_2D", [((9, 9, 4), F32)], constants=dw(4),
                    match="input 0 has rank 3", litert_rejects=True)


def test_rejects_bias_size():
    assert_rejected("DEPTHWISE_CONV_2D", [INPUT], constants=[rand((1, 3, 3, 4)), rand((3,))],
                    match="one per output channel", litert_rejects=True)


def test_rejects_zero_stride():
    assert_rejected("DEPTHWISE_CONV_2D", [INPUT], constants=dw(4), options=dict(stride_h=0),
                    match="stride_h is 0")


def test_rejects_valid_kernel_larger_than_input():
    assert_rejected("DEPTHWISE_CONV_2D", [((1, 2, 9, 4), F32)], constants=dw(4),
                    options=dict(padding="VALID"), match="output height would be 0")


def test_rejects_unknown_activation():
    assert_rejected("DEPTHWISE_CONV_2D", [INPUT], constants=dw(4),
                    options=dict(fused_activation_function=6),
                    match="fused_activation_function 6 is not a valid")


def test_rejects_int32_input():
    assert_rejected("DEPTHWISE_CONV_2D", [((1, 5, 5, 4), I32)],
                    constants=[np.ones((1, 3, 3, 4), I32), np.zeros(4, I32)],
                    match="DEPTHWISE_CONV_2D with input type INT32, which TFLite does not",
                    litert_rejects=True)


@pytest.mark.parametrize("scheme", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 9, 9, 8), (1, 3, 3, 8), dict(padding="SAME")),
    ((2, 7, 6, 3), (1, 3, 2, 6), dict(padding="VALID", stride_h=2, stride_w=1)),
    ((1, 10, 9, 16), (1, 3, 3, 16), dict(padding="SAME", stride_h=2, stride_w=2,
                                         fused_activation_function="RELU6")),
    ((1, 11, 11, 5), (1, 3, 3, 5), dict(padding="SAME", dilation_h_factor=2,
                                        dilation_w_factor=2, fused_activation_function="RELU")),
    ((1, 6, 6, 2), (1, 5, 5, 8), dict(padding="SAME", fused_activation_function="RELU_N1_TO_1")),
], ids=str)
def test_quantized(scheme, per_channel, input_shape, filter_shape, options):
    if scheme == "uint8" and per_channel:
        pytest.skip("UINT8 filters are per-tensor only")
    options = dict(options, depth_multiplier=filter_shape[3] // input_shape[3])
    check_quantized_conv("DEPTHWISE_CONV_2D", input_shape, filter_shape, 3, scheme, per_channel,
                         options=options)


# INT8 shapes at the edges of the vector kernel's 16-channel blocks: channel counts below,
# at and past multiples of 16, SAME padding with a nonzero input zero point, strides,
# dilation, batches (MobileNetV2's layers are 3x3, stride 1 or 2, SAME).
@pytest.mark.parametrize("input_shape, kernel, options", [
    ((1, 7, 6, 37), (3, 3), dict(padding="SAME")),
    ((2, 8, 8, 16), (3, 3), dict(padding="SAME", stride_h=2, stride_w=2,
                                 fused_activation_function="RELU6")),
    ((1, 9, 7, 48), (3, 3), dict(padding="VALID", stride_h=2, stride_w=1)),
    ((1, 10, 10, 5), (3, 3), dict(padding="SAME", dilation_h_factor=2, dilation_w_factor=3)),
    ((1, 5, 6, 33), (5, 5), dict(padding="SAME", fused_activation_function="RELU")),
], ids=str)
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
def test_quantized_int8_channel_blocks(input_shape, kernel, options, per_channel):
    options = dict(dict(stride_h=1, stride_w=1, depth_multiplier=1), **options)
    check_quantized_conv("DEPTHWISE_CONV_2D", input_shape, (1, *kernel, input_shape[3]), 3,
                         "int8", per_channel, options=options)


# INT4 filters (packed constants, unpacked at allocate time) on the INT8 kernels, bit-exact with
# BUILTIN_REF; 1 * 3 * 3 * 5 = 45 and 1 * 5 * 5 * 33 = 825 elements (odd).
@pytest.mark.parametrize("input_shape, filter_shape, options", [
    ((1, 7, 6, 5), (1, 3, 3, 5), dict(padding="SAME")),
    ((2, 7, 6, 3), (1, 3, 2, 6), dict(padding="VALID", stride_h=2, stride_w=1)),
    ((1, 8, 8, 16), (1, 3, 3, 16), dict(padding="SAME", stride_h=2, stride_w=2,
                                        fused_activation_function="RELU6")),
    ((1, 5, 6, 33), (1, 5, 5, 33), dict(padding="SAME", fused_activation_function="RELU")),
], ids=str)
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
def test_int4_filter(input_shape, filter_shape, options, per_channel):
    options = dict(options, depth_multiplier=filter_shape[3] // input_shape[3])
    check_quantized_conv("DEPTHWISE_CONV_2D", input_shape, filter_shape, 3, "int8", per_channel,
                         options=options, filter_type="INT4")


def test_int4_filter_with_int16_input_is_rejected():
    # LiteRT's 16x8 kernel accepts an INT4 filter but reads its packed bytes as int8 (its
    # results differ from the same values stored as INT8), so jitlite refuses the pairing.
    weights = (np.ones((1, 3, 3, 2), np.int8),
               dict(tensor_type="INT4", scale=[0.1, 0.2], zero_point=[0, 0], quantized_dimension=3))
    assert_rejected("DEPTHWISE_CONV_2D", [((1, 5, 5, 2), np.int16, dict(scale=0.001))],
                    constants=[weights, (np.zeros(2, np.int64), dict(scale=0.0001))],
                    options=dict(depth_multiplier=1),
                    match="with a INT16 input needs a INT8 filter \\(input 1\\); got INT4")


def test_hybrid_int4_filter_is_rejected():
    # LiteRT: "Type FLOAT32 with filter type INT4 not currently supported".
    weights = (np.ones((1, 3, 3, 2), np.int8), dict(tensor_type="INT4", scale=0.1))
    assert_rejected("DEPTHWISE_CONV_2D", [((1, 5, 5, 2), F32)],
                    constants=[weights, np.zeros(2, F32)], options=dict(depth_multiplier=1),
                    match="FLOAT32 input and a INT4 filter", litert_rejects=True)


def test_quantized_rejects_uint8_per_channel():
    assert_rejected("DEPTHWISE_CONV_2D", [((1, 5, 5, 2), np.uint8, dict(scale=0.1))],
                    constants=[(np.ones((1, 3, 3, 2), np.uint8),
                                dict(scale=[0.1, 0.2], zero_point=[0, 0], quantized_dimension=3)),
                               (np.zeros(2, I32), dict(scale=0.01))],
                    match="UINT8 tensors takes a per-tensor filter")


# Hybrid: TFLite's DepthwiseConvHybridPerChannel, every batch image quantized asymmetrically.
@pytest.mark.parametrize("input_shape, kernel, multiplier, options", [
    ((1, 5, 5, 1), (1, 1), 1, dict(padding="VALID")),
    ((2, 9, 8, 3), (3, 3), 1, dict(padding="SAME")),
    ((3, 7, 7, 4), (3, 2), 2, dict(padding="VALID", stride_h=2, stride_w=1)),
    ((2, 10, 9, 5), (3, 3), 3, dict(padding="SAME", stride_h=2, stride_w=2)),
    ((1, 11, 10, 2), (3, 3), 1, dict(padding="SAME", dilation_h_factor=2, dilation_w_factor=3)),
    ((2, 6, 6, 20), (5, 5), 1, dict(padding="SAME")),
], ids=str)
def test_hybrid(input_shape, kernel, multiplier, options):
    cout = input_shape[3] * multiplier
    options = dict(dict(stride_h=1, stride_w=1, depth_multiplier=multiplier), **options)
    x = hybrid_inputs(input_shape, zero_rows=[1] if input_shape[0] > 1 else [],
                      row_size=int(np.prod(input_shape[1:])))
    check_hybrid("DEPTHWISE_CONV_2D", x,
                 [int8_weights((1, *kernel, cout), 3, True), rand((cout,), 2)], options)


def test_hybrid_single_channel_per_tensor_scale():
    # One output channel: a single scale is also TFLite's per-channel layout.
    check_hybrid("DEPTHWISE_CONV_2D", hybrid_inputs((2, 6, 6, 1)),
                 [int8_weights((1, 3, 3, 1), 3, False), rand((1,), 2)],
                 dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hybrid_activation(activation):
    check_hybrid("DEPTHWISE_CONV_2D", hybrid_inputs((2, 6, 6, 3), seed=3),
                 [int8_weights((1, 3, 3, 3), 3, True), rand((3,), 2)],
                 dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1,
                      fused_activation_function=activation))


def test_hybrid_large_image_quantizes_at_each_load():
    x = hybrid_inputs((2, 48, 48, 32), row_size=48 * 48 * 32)
    check_hybrid("DEPTHWISE_CONV_2D", x, [int8_weights((1, 2, 2, 32), 3, True), rand((32,), 2)],
                 dict(padding="VALID", stride_h=3, stride_w=3, depth_multiplier=1))


def test_hybrid_rejects_scales_on_wrong_axis():
    assert_rejected("DEPTHWISE_CONV_2D", [INPUT],
                    constants=[(np.ones((1, 3, 3, 4), np.int8),
                                dict(scale=[0.1] * 3, zero_point=[0] * 3, quantized_dimension=1)),
                               rand((4,))],
                    match="takes one scale or 4 along dimension 3")


def test_hybrid_default_resolver():
    check_hybrid("DEPTHWISE_CONV_2D", hybrid_inputs((2, 8, 8, 6), seed=5),
                 [int8_weights((1, 3, 3, 12), 3, True), rand((12,), 2)],
                 dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=2),
                 default_resolver=True)


@pytest.mark.parametrize("channels", [16, 19])
def test_quantized_int8_fused_add_epilogue(channels):
    # INT8 DEPTHWISE_CONV_2D -> quantized ADD of a residual: one kernel, the ADD on whole
    # vectors of 16 channels (masked past the channel count), bit-exact with the reference.
    from quantized_conv_cases import quantized_bias, quantized_filter
    mb = ModelBuilder()
    x = mb.add_input("x", np.int8, [1, 7, 6, channels], scale=0.05, zero_point=4)
    values, quant = quantized_filter((1, 3, 3, channels), 3, "int8", True)
    w = mb.add_constant("w", values, **quant)
    bias_values, bias_quant = quantized_bias(channels, "int8", 0.05, quant)
    bias = mb.add_constant("b", bias_values, **bias_quant)
    y = mb.add_tensor("y", np.int8, [1, 7, 6, channels], scale=0.08, zero_point=-6)
    mb.add_op("DEPTHWISE_CONV_2D", [x, w, bias], [y], dict(padding="SAME", depth_multiplier=1))
    r = mb.add_input("r", np.int8, [1, 7, 6, channels], scale=0.06, zero_point=3)
    z = mb.add_tensor("z", np.int8, [1, 7, 6, channels], scale=0.1, zero_point=-2)
    mb.add_op("ADD", [y, r], [z], dict(fused_activation_function="RELU6"))
    mb.mark_output(z)
    model = mb.build()
    from jitlite.testing import random_inputs
    values = random_inputs(model)
    assert_outputs_match(run_model(jitlite_interpreter(), model, values),
                         run_model(REFERENCE_KERNELS, model, values))
    interpreter = jitlite.Interpreter(model_content=model)
    interpreter.allocate_tensors()
    assert [k["symbol"] for k in interpreter.get_jit_details()["kernels"]] == [
        "k0_depthwise_conv_2d_add"]


def two_threads(**kwargs):
    return jitlite.Interpreter(num_threads=2, **kwargs)


@pytest.mark.parametrize("stride", [1, 2])
def test_rows_split_across_threads(stride):
    # Large enough (>= 2^18 multiply-adds) that the output rows are split over the 2 threads;
    # 31 rows do not split evenly.
    check_op("DEPTHWISE_CONV_2D", [((1, 31, 30, 64), F32)], constants=dw(64),
             options=dict(padding="SAME", stride_h=stride, stride_w=stride, depth_multiplier=1,
                          fused_activation_function="RELU6"),
             runner=two_threads)


def test_int8_rows_split_across_threads():
    check_quantized_conv("DEPTHWISE_CONV_2D", (2, 31, 30, 64), (1, 3, 3, 64), 3, "int8",
                         options=dict(padding="SAME", stride_h=1, stride_w=1,
                                      depth_multiplier=1), runner=two_threads)


# INT8 with constant weights on a VNNI host takes filter rows in pairs (vpdpwssd) for groups of
# up to 8 output pixels (4 at stride > 1), padding read as the input zero point; an AVX2 target
# takes the per-tap kernel. Cases: odd filter heights (the last row paired with zeros), 1-row
# and 2-row filters, interior groups with and without a remainder, images narrower than a
# group, strides, dilations, channel tails, rows split over 2 threads.
@pytest.mark.parametrize("input_shape, kernel, options", [
    ((1, 13, 21, 37), (3, 3), dict(padding="SAME")),
    ((1, 12, 19, 16), (3, 3), dict(padding="SAME", stride_h=2, stride_w=2,
                                   fused_activation_function="RELU6")),
    ((2, 9, 11, 48), (3, 3), dict(padding="VALID", stride_h=1, stride_w=2)),
    ((1, 11, 14, 21), (3, 3), dict(padding="SAME", dilation_h_factor=2, dilation_w_factor=3)),
    ((1, 9, 20, 33), (5, 5), dict(padding="SAME", fused_activation_function="RELU")),
    ((1, 10, 17, 24), (5, 5), dict(padding="SAME", stride_h=2, stride_w=2)),
    ((1, 4, 3, 17), (3, 3), dict(padding="SAME")),
    ((1, 8, 30, 8), (1, 3), dict(padding="SAME")),
    ((1, 8, 30, 8), (2, 4), dict(padding="SAME", stride_h=3, stride_w=1)),
    ((1, 6, 9, 3), (4, 1), dict(padding="VALID")),
], ids=str)
@pytest.mark.parametrize("target", ["", "x86-64-v3"], ids=["host", "avx2"])
def test_quantized_int8_row_pairs(input_shape, kernel, options, target):
    options = dict(dict(stride_h=1, stride_w=1, depth_multiplier=1), **options)
    runner = lambda **kw: jitlite.Interpreter(experimental_target_cpu=target or None, **kw)
    check_quantized_conv("DEPTHWISE_CONV_2D", input_shape, (1, *kernel, input_shape[3]), 3,
                         "int8", True, options=options, runner=runner)


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("zero_point", [-128, 0, 127])
def test_quantized_int8_row_pairs_threads_and_zero_points(stride, zero_point):
    # >= 2^18 multiply-adds: the rows are split over 2 threads; input zero points at the ends
    # of the range fill the padding.
    from quantized_conv_cases import quantized_bias, quantized_filter
    from op_testing import check_quantized
    weights = quantized_filter((1, 3, 3, 40), 3, "int8", True)
    constants = [weights, quantized_bias(40, "int8", 0.05, weights[1])]
    check_quantized("DEPTHWISE_CONV_2D",
                    [((1, 33, 34, 40), np.int8, dict(scale=0.05, zero_point=zero_point))],
                    constants, dict(padding="SAME", stride_h=stride, stride_w=stride,
                                    depth_multiplier=1, fused_activation_function="RELU6"),
                    output_dtype=np.int8, output_quant=dict(scale=0.1, zero_point=-4),
                    runner=two_threads)


@pytest.mark.parametrize("op", ["DEPTHWISE_CONV_2D", "CONV_2D"])
def test_quantized_int8_effective_scales_above_one(op):
    # The vector requantization (depthwise row pairs, the int8 GEMM's epilogue) with channels
    # whose effective scale (input scale x filter scale / output scale) is on both sides of 1,
    # so some multipliers shift left: small filter values and inputs near the zero point so
    # the outputs do not all saturate.
    from op_testing import check_quantized
    rng = np.random.default_rng(5)
    channels = 20
    shape = (1, 3, 3, channels) if op == "DEPTHWISE_CONV_2D" else (channels, 1, 1, channels)
    axis = 3 if op == "DEPTHWISE_CONV_2D" else 0
    scales = [float(s) for s in rng.uniform(0.2, 3.0, channels) * 0.01 / 0.04]
    weights = (rng.integers(-3, 3, shape, dtype=np.int8, endpoint=True),
               dict(scale=scales, zero_point=[0] * channels, quantized_dimension=axis))
    bias = (rng.integers(-20, 20, channels).astype(np.int32),
            dict(scale=[0.04 * s for s in scales], zero_point=[0] * channels))
    options = dict(padding="SAME", stride_h=1, stride_w=1)
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    check_quantized(op, [((1, 9, 10, channels), np.int8, dict(scale=0.04, zero_point=6))],
                    [weights, bias], options, output_dtype=np.int8,
                    output_quant=dict(scale=0.01, zero_point=-3), input_range=(0, 12))
