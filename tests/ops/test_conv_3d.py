"""CONV_3D against LiteRT: SAME/VALID padding, strides and dilations per axis, every fused
activation, kernels from 1x1x1 to larger than the input, batches, bias present/absent, a
runtime filter, the large conv3d_huge_im2col model, and the models jitlite must refuse.
Input NDHWC, filter [D, H, W, I, O]."""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, F32, I32, assert_rejected, check_model_file, check_op,
                        check_threads, rand, shape_id)


def conv3d(filter_shape, bias=True, seed=1):
    """Constants: filter [D, H, W, I, O] and bias [O] (omitted when bias is False)."""
    constants = [rand(filter_shape, seed)]
    if bias:
        constants.append(rand((filter_shape[-1],), seed + 1))
    return constants


def options(padding="SAME", stride=(1, 1, 1), dilation=(1, 1, 1), act="NONE"):
    """Conv3DOptions; stride and dilation are (depth, height, width)."""
    return dict(padding=padding, stride_d=stride[0], stride_h=stride[1], stride_w=stride[2],
                dilation_d_factor=dilation[0], dilation_h_factor=dilation[1],
                dilation_w_factor=dilation[2], fused_activation_function=act)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [(1, 1, 1), (2, 2, 2), (3, 1, 2), (1, 3, 1)], ids=str)
@pytest.mark.parametrize("dilation", [(1, 1, 1), (2, 1, 2), (1, 2, 1)], ids=str)
def test_padding_stride_dilation(padding, stride, dilation):
    check_op("CONV_3D", [((1, 7, 8, 9, 3), F32)], constants=conv3d((2, 3, 3, 3, 4)),
             options=options(padding, stride, dilation))


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_fused_activation(act):
    # TANH and SIGN_BIT apply nothing in TFLite's float CONV_3D (unbounded activation range).
    check_op("CONV_3D", [((1, 4, 5, 5, 2), F32)], constants=conv3d((3, 3, 3, 2, 5)),
             options=options("SAME", act=act), input_range=(-3, 3))


@pytest.mark.parametrize("input_shape, filter_shape", [
    ((1, 4, 4, 4, 3), (1, 1, 1, 3, 6)),      # pointwise
    ((1, 1, 1, 1, 5), (1, 1, 1, 5, 3)),      # one voxel
    ((2, 5, 3, 7, 3), (3, 2, 3, 3, 4)),      # batch 2, odd sizes
    ((1, 6, 6, 6, 1), (5, 5, 5, 1, 1)),      # single channel in and out
    ((3, 2, 9, 1, 2), (1, 3, 1, 2, 7)),      # 1-D along height
    ((1, 3, 4, 4, 8), (2, 2, 2, 8, 33)),     # many output channels
], ids=shape_id)
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_shapes(input_shape, filter_shape, padding):
    check_op("CONV_3D", [(input_shape, F32)], constants=conv3d(filter_shape),
             options=options(padding, (1, 2, 1)))


@pytest.mark.parametrize("stride", [1, 2])
def test_kernel_larger_than_input(stride):
    check_op("CONV_3D", [((1, 2, 3, 3, 2), F32)], constants=conv3d((4, 5, 5, 2, 3)),
             options=options("SAME", (stride,) * 3))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_without_bias(padding):
    check_op("CONV_3D", [((2, 5, 5, 5, 3), F32)], constants=conv3d((3, 3, 2, 3, 4), bias=False),
             options=options(padding, (2, 1, 2)))


def test_runtime_filter_and_bias():
    check_op("CONV_3D", [((1, 4, 5, 6, 3), F32), ((2, 3, 3, 3, 4), F32), ((4,), F32)],
             options=options("SAME", (1, 2, 2), act="RELU"))


def test_strided_dilated_relu6_batch():
    check_op("CONV_3D", [((2, 9, 8, 7, 5), F32)], constants=conv3d((2, 3, 2, 5, 6)),
             options=options("SAME", (2, 3, 1), (2, 1, 3), "RELU6"))


@pytest.mark.parametrize("batch, depth", [(1, 5), (3, 1), (2, 7)])
def test_threads(batch, depth):
    # Large enough for the (n, od) slices to be split across threads, including uneven splits.
    check_threads("CONV_3D", [((batch, depth, 20, 20, 8), F32)], conv3d((3, 3, 3, 8, 16)),
                  options("SAME", act="RELU"))


def test_huge_im2col_model():
    # [3, 40, 600, 600, 2] input and a 1x2x2 runtime filter: big enough to exercise the
    # threaded loop nest.
    check_model_file("api/conv3d_huge_im2col.bin")


# --- must-fail ---------------------------------------------------------------------------------

INPUT = ((1, 4, 4, 4, 3), F32)


@pytest.mark.parametrize("shape", [(4, 4, 4, 3), (1, 1, 4, 4, 4, 3)], ids=shape_id)
def test_rejects_input_rank_other_than_5(shape):
    assert_rejected("CONV_3D", [(shape, F32)], constants=conv3d((1, 1, 1, 3, 2)),
                    match=f"input 0 has rank {len(shape)}", litert_rejects=True)


def test_rejects_filter_rank_4():
    assert_rejected("CONV_3D", [INPUT], constants=[rand((1, 1, 3, 2))],
                    match="input 1 has rank 4", litert_rejects=True)


def test_rejects_channel_mismatch():
    assert_rejected("CONV_3D", [INPUT], constants=conv3d((1, 1, 1, 4, 2)),
                    match="input 0 has 3 channels but the filter", litert_rejects=True)


def test_rejects_bias_size():
    assert_rejected("CONV_3D", [INPUT], constants=[rand((1, 1, 1, 3, 2)), rand((3,))],
                    match="one per output channel", litert_rejects=True)


def test_rejects_int32_bias():
    assert_rejected("CONV_3D", [INPUT], constants=[rand((1, 1, 1, 3, 2)), np.zeros(2, I32)],
                    match="bias \\(input 2\\) has type INT32", litert_rejects=True)


@pytest.mark.parametrize("option", ["stride_d", "stride_h", "stride_w"])
def test_rejects_zero_stride(option):
    assert_rejected("CONV_3D", [INPUT], constants=conv3d((1, 1, 1, 3, 2)),
                    options={**options(), option: 0}, match=f"{option} is 0")


def test_rejects_zero_dilation():
    assert_rejected("CONV_3D", [INPUT], constants=conv3d((1, 1, 1, 3, 2)),
                    options={**options(), "dilation_d_factor": 0},
                    match="dilation_d_factor is 0")


def test_rejects_valid_kernel_larger_than_input():
    assert_rejected("CONV_3D", [INPUT], constants=conv3d((5, 1, 1, 3, 2)),
                    options=options("VALID"), match="output depth would be 0")


def test_rejects_unknown_activation():
    assert_rejected("CONV_3D", [INPUT], constants=conv3d((1, 1, 1, 3, 2)),
                    options={**options(), "fused_activation_function": 7},
                    match="fused_activation_function 7 is not a valid")


@pytest.mark.parametrize("dtype", [np.int8, I32])
def test_rejects_non_float_input(dtype):
    # TFLite's CONV_3D is float32 only (no quantized variant).
    args = dict(scale=0.1) if dtype == np.int8 else {}
    assert_rejected("CONV_3D", [((1, 4, 4, 4, 3), dtype, args)],
                    constants=[(np.ones((1, 1, 1, 3, 2), dtype), args)],
                    match="TFLite's CONV_3D supports FLOAT32 only", litert_rejects=True)
