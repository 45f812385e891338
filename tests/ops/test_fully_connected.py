"""FULLY_CONNECTED (float32) against LiteRT: input ranks 1..4 flattened to rows, keep_num_dims,
optional bias, every allowed activation, constant and runtime weights; must-fail cases."""
import functools

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing import ModelBuilder, assert_outputs_match, check_op, random_inputs, run_both
from jitlite.testing.check_op import (build_op_model, jitlite_interpreter, litert_interpreter,
                                      run_model)
from op_testing import TFLITE_KERNELS, check_quantized
from hybrid_cases import check_hybrid, hybrid_inputs, int8_weights, sub_byte_weights
from quantized_conv_cases import check_quantized_conv

F32 = np.float32
ACTIVATIONS = ["NONE", "RELU", "RELU_N1_TO_1", "RELU6"]


def rand(shape, seed=1):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype(F32)


def fc(input_shape, units, input_size, *, bias=True, runtime_weights=False, **options):
    """check_op of one FULLY_CONNECTED with a [units, input_size] filter."""
    weights = ((units, input_size), F32) if runtime_weights else rand((units, input_size))
    inputs = [(input_shape, F32)] + ([weights] if runtime_weights else [])
    constants = ([] if runtime_weights else [weights]) + [rand((units,), seed=2) if bias else None]
    check_op("FULLY_CONNECTED", inputs=inputs, constants=constants, options=options)


@pytest.mark.parametrize("input_size", [1, 7, 16, 33])
@pytest.mark.parametrize("units", [1, 7, 16, 33])
@pytest.mark.parametrize("batch", [1, 3])
def test_sizes(batch, units, input_size):
    fc((batch, input_size), units, input_size)


@pytest.mark.parametrize("input_shape", [(7,), (3, 7), (2, 3, 7), (2, 1, 3, 7)])
@pytest.mark.parametrize("keep_num_dims", [False, True])
def test_input_ranks(input_shape, keep_num_dims):
    fc(input_shape, 5, 7, keep_num_dims=keep_num_dims)


@pytest.mark.parametrize("input_shape", [(12,), (2, 6), (3, 2, 2), (1, 2, 3, 4)])
def test_rows_span_input_dims(input_shape):
    # Without keep_num_dims the rows need not follow the input's last dimension.
    fc(input_shape, 6, 4)
    fc(input_shape, 3, 12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("bias", [True, False])
def test_activations(activation, bias):
    # Sums of 16 products reach well past [-1, 1] and [0, 6], so every clamp is exercised.
    fc((4, 16), 9, 16, bias=bias, fused_activation_function=activation)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("keep_num_dims", [False, True])
@pytest.mark.parametrize("units,input_size", [(1, 1), (7, 33), (16, 16)])
def test_runtime_weights(units, input_size, keep_num_dims, bias):
    fc((2, 3, input_size), units, input_size, bias=bias, runtime_weights=True,
       keep_num_dims=keep_num_dims, fused_activation_function="RELU6")


def test_runtime_bias():
    check_op("FULLY_CONNECTED", inputs=[((3, 8), F32), ((5, 8), F32), ((5,), F32)])


def test_two_inputs_without_bias_slot():
    check_op("FULLY_CONNECTED", inputs=[((3, 8), F32)], constants=[rand((5, 8))])


@pytest.mark.parametrize("units,input_size", [(42, 128), (10, 1024), (70, 300)])
def test_filter_tiles(units, input_size):
    # Units are processed in tiles sized by input_size; these end in a partial tile.
    fc((3, input_size), units, input_size, fused_activation_function="RELU")


@pytest.mark.parametrize("keep_num_dims", [False, True])
def test_fused_add_epilogue(keep_num_dims):
    # A following ADD runs in the kernel's epilogue at the output multi-index; its operand
    # broadcasts along the leading output dimension, so a wrong index shows.
    out_shape = [2, 3, 5] if keep_num_dims else [6, 5]
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [2, 3, 7])
    w = mb.add_constant("w", rand((5, 7)))
    y = mb.add_tensor("y", F32, out_shape)
    mb.add_op("FULLY_CONNECTED", [x, w, -1], [y], dict(keep_num_dims=keep_num_dims))
    c = mb.add_constant("c", rand([out_shape[0]] + [1] * (len(out_shape) - 1), seed=3))
    z = mb.add_tensor("z", F32, out_shape)
    mb.add_op("ADD", [y, c], [z], dict(fused_activation_function="RELU"))
    mb.mark_output(z)
    model = mb.build()
    actual, expected = run_both(model, random_inputs(model))
    assert_outputs_match(actual, expected)


@pytest.mark.parametrize("input_shape,keep_num_dims", [((0, 4), False), ((2, 0, 4), True)])
def test_empty_batch(input_shape, keep_num_dims):
    fc(input_shape, 3, 4, keep_num_dims=keep_num_dims)


def test_larger_layer():
    fc((8, 100, 128), 48, 128, keep_num_dims=True, fused_activation_function="RELU")


@pytest.mark.parametrize("num_threads", [1, 2])
@pytest.mark.parametrize("batch,units,input_size", [
    (13, 170, 1000),   # packed weights > 512 KiB: panels outside, row tiles inside; partial ones
    (128, 256, 1024),  # transformer FFN down: rows 4 KiB apart (shorter tiles)
    (128, 1024, 256),  # transformer FFN up
    (37, 33, 129),     # B swept per row tile; odd k (the B prefetch runs past the panel)
    (1, 1000, 1280),   # one row tile: threads split the column groups (last one partial)
    (5, 300, 2048),    # the same with several rows in the one tile
    (49, 160, 320),    # a 7x7 stage: AVX2 tiles of 5 rows and a last one of 4 (not 8 x 6 + 1)
])
def test_gemm_tilings(batch, units, input_size, num_threads):
    # The fp32 GEMM's loop orders, partial row tiles and panels, over one and two threads.
    runner = functools.partial(jitlite_interpreter(), num_threads=num_threads)
    check_op("FULLY_CONNECTED", inputs=[((batch, input_size), F32)],
             constants=[rand((units, input_size)), rand((units,), seed=2)],
             options=dict(fused_activation_function="RELU"), runner=runner)


# --- must-fail cases ---------------------------------------------------------------------------

def allocate(inputs, constants=(), options=None, output_dtype=None):
    model = build_op_model("FULLY_CONNECTED", inputs, constants, options,
                           output_shapes=[[1]], output_dtypes=output_dtype)
    Interpreter(model_content=model).allocate_tensors()


def test_input_size_not_dividing_elements():
    with pytest.raises(RuntimeError, match=r"\[2, 5\].*10 elements.*input size 4"):
        allocate([((2, 5), F32)], [rand((3, 4)), rand((3,))])


def test_filter_rank_not_2():
    with pytest.raises(RuntimeError, match="input 1 has rank 3"):
        allocate([((2, 4), F32)], [rand((3, 4, 1)), rand((3,))])


def test_scalar_input():
    with pytest.raises(RuntimeError, match="rank >= 1"):
        allocate([((), F32)], [rand((3, 1))])


def test_keep_num_dims_needs_last_dim_equal_to_input_size():
    with pytest.raises(RuntimeError, match="keep_num_dims.*\\[2, 4, 3\\]"):
        allocate([((2, 4, 3), F32)], [rand((5, 4))], dict(keep_num_dims=True))


def test_bias_size_mismatch():
    with pytest.raises(RuntimeError, match="bias.*expected 3"):
        allocate([((2, 4), F32)], [rand((3, 4)), rand((2,))])


@pytest.mark.parametrize("activation", ["TANH", "SIGN_BIT"])
def test_unsupported_activation(activation):
    with pytest.raises(RuntimeError, match="not supported by FULLY_CONNECTED"):
        allocate([((2, 4), F32)], [rand((3, 4))], dict(fused_activation_function=activation))


@pytest.mark.parametrize("scheme", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("input_shape, units, options", [
    ((1, 16), 8, {}),
    ((3, 37), 5, dict(fused_activation_function="RELU")),
    ((2, 3, 20), 7, dict(keep_num_dims=True, fused_activation_function="RELU6")),
    ((4, 2, 6), 9, dict(fused_activation_function="RELU_N1_TO_1")),
], ids=str)
def test_quantized(scheme, per_channel, input_shape, units, options):
    if scheme == "uint8" and per_channel:
        pytest.skip("UINT8 filters are per-tensor only")
    check_quantized_conv("FULLY_CONNECTED", input_shape, (units, input_shape[-1]), 0, scheme,
                         per_channel, options=options)


def test_quantized_int8_filter_zero_point_is_used_per_tensor():
    q = dict(scale=0.05, zero_point=-4)
    check_quantized("FULLY_CONNECTED", [((2, 10), np.int8, dict(scale=0.1, zero_point=3))],
                    [(np.arange(-30, 30, dtype=np.int8).reshape(6, 10), q), None],
                    output_quant=dict(scale=0.2, zero_point=-1))


@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("scheme", ["int8", "int16", "uint8"])
def test_quantized_wide_layer_rescales_like_the_reference(scheme, per_channel):
    if scheme == "uint8" and per_channel:
        pytest.skip("UINT8 filters are per-tensor only")
    # LiteRT's reference INT8/INT16 kernels rescale in double, round(acc * scale); the
    # fixed-point multiplier differs from that by one step on a few of 1000 outputs.
    check_quantized_conv("FULLY_CONNECTED", (2, 320), (1000, 320), 0, scheme, per_channel)


# INT8 shapes at the edges of the VNNI GEMM's tiles: input sizes not a multiple of 4, units
# not a multiple of 16 or 64, row counts not a multiple of the tile rows.
@pytest.mark.parametrize("input_shape, units", [
    ((7, 13), 37), ((13, 64), 144), ((1, 1), 1), ((25, 30), 16), ((3, 2, 50), 70),
], ids=str)
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
def test_quantized_int8_tile_edges(input_shape, units, per_channel):
    check_quantized_conv("FULLY_CONNECTED", input_shape, (units, input_shape[-1]), 0, "int8",
                         per_channel, options=dict(fused_activation_function="RELU"))


# Big packed weights under a single row tile: at 2 threads the panel groups are split (the
# last group partial), on VNNI (one row) and on AMX tiles where the host has them (16 rows).
@pytest.mark.parametrize("num_threads", [1, 2])
@pytest.mark.parametrize("input_shape, units", [((1, 1280), 1000), ((16, 1024), 520)], ids=str)
def test_quantized_int8_single_row_tile_column_split(input_shape, units, num_threads):
    runner = functools.partial(jitlite_interpreter(), num_threads=num_threads)
    check_quantized_conv("FULLY_CONNECTED", input_shape, (units, input_shape[-1]), 0, "int8",
                         True, options=dict(fused_activation_function="RELU"), runner=runner)


# The largest products, x = 127 (the GEMM's u8 255) times weights of -128 or 127 in equal
# pairs: an adjacent pair sums past i16 (pmaddubsw would saturate), the AVX2 kernel must not.
@pytest.mark.parametrize("x", [-128, 127])
def test_quantized_int8_extreme_products(x):
    signs = np.random.default_rng(3).integers(0, 2, (19, 12)).repeat(2, axis=1)
    weights = np.where(signs == 1, 127, -128).astype(np.int8)
    check_quantized("FULLY_CONNECTED", [((3, 24), np.int8, dict(scale=0.01, zero_point=0))],
                    [(weights, dict(scale=0.01, zero_point=0)), None],
                    output_quant=dict(scale=0.3, zero_point=0), input_range=(x, x))


def test_quantized_without_bias():
    check_quantized_conv("FULLY_CONNECTED", (3, 12), (4, 12), 0, "int16", bias=False)


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("per_channel", [False, True], ids=["per_tensor", "per_channel"])
@pytest.mark.parametrize("batch, units, input_size", [(1, 1, 1), (3, 5, 10), (4, 33, 17),
                                                      (2, 16, 64)])
def test_hybrid(batch, units, input_size, per_channel, asymmetric):
    x = hybrid_inputs((batch, input_size), zero_rows=[1] if batch > 1 else [])
    check_hybrid("FULLY_CONNECTED", x,
                 [int8_weights((units, input_size), 0, per_channel), rand((units,), seed=2)],
                 dict(asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_activation(activation, asymmetric):
    check_hybrid("FULLY_CONNECTED", hybrid_inputs((3, 12), seed=4),
                 [int8_weights((6, 12), 0, True), rand((6,), seed=2)],
                 dict(fused_activation_function=activation,
                      asymmetric_quantize_inputs=asymmetric))


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_rows_of_higher_rank_input(asymmetric):
    # [2, 3, 8] flattens to 6 rows of 8, each quantized on its own; rows 0 and 4 are zeros, row
    # 2 all positive (asymmetric: the range still includes 0).
    x = hybrid_inputs((2, 3, 8), zero_rows=[0, 4])
    x[0, 2] = np.abs(x[0, 2]) + 0.5
    check_hybrid("FULLY_CONNECTED", x, [int8_weights((5, 8), 0, False), None],
                 dict(keep_num_dims=True, asymmetric_quantize_inputs=asymmetric))


def test_hybrid_all_zero_input():
    check_hybrid("FULLY_CONNECTED", np.zeros((2, 9), F32),
                 [int8_weights((4, 9), 0, True), rand((4,), seed=2)],
                 dict(fused_activation_function="RELU"))


def test_hybrid_long_rows_quantize_at_each_load():
    # A row beyond the 64 KiB stack scratch is quantized again at each load: same values.
    x = hybrid_inputs((2, 70000))
    check_hybrid("FULLY_CONNECTED", x, [int8_weights((3, 70000), 0, True), rand((3,), seed=2)],
                 dict(asymmetric_quantize_inputs=True))


def test_hybrid_rejects_wrong_scale_count():
    weights = (np.ones((3, 4), np.int8),
               dict(scale=[0.1] * 4, zero_point=[0] * 4, quantized_dimension=1))
    with pytest.raises(RuntimeError, match="takes one scale or 3 along dimension 0"):
        allocate([((2, 4), F32)], [weights, rand((3,))], output_dtype=F32)


def test_hybrid_rejects_uint8_weights():
    weights = (np.ones((3, 4), np.uint8), dict(scale=0.1, zero_point=0))
    with pytest.raises(RuntimeError, match="UINT8 filter \\(hybrid\\) is not supported"):
        allocate([((2, 4), F32)], [weights, rand((3,))], output_dtype=F32)


def test_shuffled_weights_are_unimplemented():
    with pytest.raises(RuntimeError, match="SHUFFLED4x16INT8 is not supported yet"):
        allocate([((2, 4), F32)], [rand((3, 4))], dict(weights_format="SHUFFLED4x16INT8"))


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
def test_hybrid_default_resolver(asymmetric):
    check_hybrid("FULLY_CONNECTED", hybrid_inputs((4, 40)),
                 [int8_weights((12, 40), 0, True), rand((12,), seed=2)],
                 dict(asymmetric_quantize_inputs=asymmetric), default_resolver=True)


# INT4 / INT2 filters: packed constants (two / four per byte, an odd element count leaves a
# partial last byte), unpacked at allocate time, then the INT8 kernels; bit-exact with
# BUILTIN_REF for int8 and int16 activations.
@pytest.mark.parametrize("filter_type", ["INT4", "INT2"])
@pytest.mark.parametrize("scheme", ["int8", "int16"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("input_shape, units, options", [
    ((3, 7), 5, {}),                                          # 35 elements: odd
    ((7, 13), 37, dict(fused_activation_function="RELU")),    # VNNI GEMM tile edges
    ((2, 3, 20), 9, dict(keep_num_dims=True, fused_activation_function="RELU6")),
    ((2, 320), 33, {}),
], ids=str)
def test_sub_byte_filter(filter_type, scheme, per_channel, input_shape, units, options):
    check_quantized_conv("FULLY_CONNECTED", input_shape, (units, input_shape[-1]), 0, scheme,
                         per_channel, options=options, filter_type=filter_type)


def test_sub_byte_filter_without_bias():
    check_quantized_conv("FULLY_CONNECTED", (3, 11), (5, 11), 0, "int8", bias=False,
                         filter_type="INT4")


def test_int4_filter_zero_point_is_rejected():
    # LiteRT refuses a per-tensor INT4 filter with a zero point ("Unsupported filter
    # quantization zero-point value"); so does jitlite.
    w = (np.zeros((4, 6), np.int8), dict(tensor_type="INT4", scale=0.05, zero_point=2))
    with pytest.raises(RuntimeError, match="INT4 filter needs filter zero point 0"):
        allocate([((2, 6), np.int8, dict(scale=0.1, zero_point=0))], [w, None],
                 output_dtype=np.int8)


@pytest.mark.parametrize("filter_type", ["INT4", "INT2"])
@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("per_channel", [False, True], ids=["per_tensor", "per_channel"])
@pytest.mark.parametrize("batch, units, input_size", [(1, 1, 1), (3, 5, 7), (4, 33, 17)])
def test_hybrid_sub_byte_filter(filter_type, batch, units, input_size, per_channel, asymmetric):
    x = hybrid_inputs((batch, input_size), zero_rows=[1] if batch > 1 else [])
    check_hybrid("FULLY_CONNECTED", x,
                 [sub_byte_weights((units, input_size), 0, filter_type, per_channel),
                  rand((units,), seed=2)],
                 dict(asymmetric_quantize_inputs=asymmetric))


# Blockwise INT4 filters (float input): one FLOAT16 scale per block of block_size inputs of a
# unit (BlockwiseQuantization details naming the scales tensor). LiteRT's reference kernels
# return zeros for these; TFLite's optimized kernel (EvalBlockwise4Bit) computes them with the
# scheme jitlite follows (asymmetric int8 rows, i32 block sums), so it is the reference at the
# ordinary float tolerance; XNNPACK (default resolver) rounds the scales to bfloat16 (up to 2^-9
# relative), allowed 1% of the range (tests/python/test_quantized_models.py measures it). TFLite
# takes that kernel only with at least 4 units and 32 (an even number of) inputs, its 4-bit
# path's tile sizes, and returns zeros otherwise; the cases stay within that.
def blockwise_fc_model(batch_shape, units, input_size, block_size, *, bias=True, seed=1,
                       activation="NONE", scales_count=None, filter_type="INT4", asymmetric=True):
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [*batch_shape, input_size])
    count = scales_count or units * input_size // block_size
    scales = mb.add_constant("scales", rng.uniform(0.002, 0.05, count).astype(np.float16)
                             .reshape(units, -1) if scales_count is None else
                             rng.uniform(0.002, 0.05, count).astype(np.float16))
    weights = rng.integers(-8, 7, (units, input_size), endpoint=True).astype(np.int8)
    w = mb.add_constant("w", weights, **({} if filter_type == "INT8" else
                                         dict(tensor_type=filter_type)))
    mb.set_blockwise_quantization(w, scales, block_size)
    inputs = [x, w] + ([mb.add_constant("b", rand((units,), seed=2))] if bias else [])
    y = mb.add_tensor("y", F32, [*batch_shape, units])
    mb.add_op("FULLY_CONNECTED", inputs, [y],
              dict(keep_num_dims=True, fused_activation_function=activation,
                   asymmetric_quantize_inputs=asymmetric))
    mb.mark_output(y)
    return mb.build()


@pytest.mark.parametrize("batch_shape, units, input_size, block_size", [
    ((1,), 8, 64, 32), ((3,), 17, 96, 32), ((2, 3), 5, 32, 16), ((1, 1), 64, 256, 64),
    ((4,), 6, 32, 2),
], ids=str)
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_blockwise_int4(batch_shape, units, input_size, block_size, bias):
    model = blockwise_fc_model(batch_shape, units, input_size, block_size, bias=bias)
    values = random_inputs(model)
    actual = run_model(jitlite_interpreter(), model, values)
    expected = run_model(TFLITE_KERNELS, model, values)
    assert_outputs_match(actual, expected, context="vs TFLite EvalBlockwise4Bit")
    default = run_model(litert_interpreter(), model, values)
    assert_outputs_match(actual, default, rtol_of_range=1e-2, context="vs XNNPACK")


@pytest.mark.parametrize("activation", ["RELU", "RELU6"])
def test_blockwise_int4_activation(activation):
    # TFLite's EvalBlockwise4Bit skips the fused activation; XNNPACK applies it, as jitlite.
    model = blockwise_fc_model((2,), 9, 64, 32, activation=activation)
    values = random_inputs(model)
    actual = run_model(jitlite_interpreter(), model, values)
    default = run_model(litert_interpreter(), model, values)
    assert_outputs_match(actual, default, rtol_of_range=1e-2, context="vs XNNPACK")
    assert actual[0].min() >= 0.0


def test_blockwise_rejects_wrong_scale_count():
    with pytest.raises(RuntimeError, match="in blocks of 16 needs 8 scales; the scales tensor has 6"):
        run_model(jitlite_interpreter(), blockwise_fc_model((1,), 4, 32, 16, scales_count=6),
                  [np.zeros((1, 32), F32)])


def test_blockwise_rejects_partial_blocks():
    with pytest.raises(RuntimeError, match="rows of 40 inputs are not whole blocks of 16"):
        run_model(jitlite_interpreter(), blockwise_fc_model((1,), 4, 40, 16, scales_count=8),
                  [np.zeros((1, 40), F32)])


def test_blockwise_int8_filter_is_unimplemented():
    with pytest.raises(RuntimeError, match="blockwise-quantized filter \\(input 1\\) has type INT8"):
        run_model(jitlite_interpreter(), blockwise_fc_model((1,), 4, 32, 16, filter_type="INT8"),
                  [np.zeros((1, 32), F32)])


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("batch, units, input_size", [(2, 16, 64), (5, 33, 96)])
def test_hybrid_int4_filter_large(batch, units, input_size, asymmetric):
    # From 4 units and 32 (even) inputs TFLite's optimized kernels take their 4-bit path
    # (EvalHybridDense4Bit), whose results were far from BUILTIN_REF's and XNNPACK's on these
    # cases (off by more than half the output range); jitlite follows the reference kernels,
    # and XNNPACK within its usual distance.
    check_hybrid("FULLY_CONNECTED", hybrid_inputs((batch, input_size)),
                 [sub_byte_weights((units, input_size), 0, "INT4", True), rand((units,), seed=2)],
                 dict(asymmetric_quantize_inputs=asymmetric), default_resolver=True,
                 optimized_kernels=False)


def test_blockwise_filter_with_int8_input_is_unimplemented():
    mb = ModelBuilder()
    x = mb.add_input("x", np.int8, [1, 32], scale=0.1, zero_point=0)
    scales = mb.add_constant("scales", np.full((4, 2), 0.01, np.float16))
    w = mb.add_constant("w", np.ones((4, 32), np.int8), tensor_type="INT4")
    mb.set_blockwise_quantization(w, scales, 16)
    y = mb.add_tensor("y", np.int8, [1, 4], scale=0.2, zero_point=0)
    mb.add_op("FULLY_CONNECTED", [x, w], [y])
    mb.mark_output(y)
    with pytest.raises(RuntimeError, match="blockwise-quantized filter \\(input 1\\) with a INT8 "
                                           "input; only FLOAT32 inputs take one"):
        run_model(jitlite_interpreter(), mb.build(), [np.zeros((1, 32), np.int8)])
