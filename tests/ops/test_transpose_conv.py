"""TRANSPOSE_CONV against LiteRT: SAME/VALID padding, strides 1/2/3 (and mixed), kernels smaller
than, equal to and larger than the stride, odd sizes, batches, channel counts, bias present and
absent, every fused activation, and the models jitlite must refuse. Inputs: output_shape
(constant int32[4]), weights [O, H, W, I] (constant), the NHWC input, optional bias [O]."""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, F32, I32, assert_rejected, check_op, check_quantized,
                        check_value_inputs,
                        check_threads, rand, shape_id)
from quantized_conv_cases import SCHEMES, quantized_bias, quantized_filter


def input_size(out, kernel, stride, padding):
    """The input size TFLite requires: the CONV_2D output size for an input of size `out`."""
    return -(-out // stride) if padding == "SAME" else (out - kernel) // stride + 1


def tconv_inputs(out_shape, weights_shape, padding="SAME", stride=(1, 1), bias=True, seed=1):
    """check_op inputs for an output of `out_shape` [N, H, W, O]: the input shape follows."""
    n, h, w, cout = out_shape
    o, kh, kw, cin = weights_shape
    assert o == cout
    in_shape = (n, input_size(h, kh, stride[0], padding), input_size(w, kw, stride[1], padding),
                cin)
    inputs = [np.array(out_shape, I32), rand(weights_shape, seed), (in_shape, F32)]
    if bias:
        inputs.append(rand((cout,), seed + 1))
    return inputs


def check(out_shape, weights_shape, padding="SAME", stride=(1, 1), act="NONE", bias=True,
          **kwargs):
    options = dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                   fused_activation_function=act)
    check_op("TRANSPOSE_CONV", tconv_inputs(out_shape, weights_shape, padding, stride, bias),
             options=options, output_dtype=F32, **kwargs)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (3, 3), (2, 1), (1, 3)], ids=str)
@pytest.mark.parametrize("kernel", [(1, 1), (2, 2), (3, 3), (4, 4), (5, 3)], ids=str)
def test_padding_stride_kernel(padding, stride, kernel):
    check((1, 11, 10, 4), (4, *kernel, 3), padding, stride)


@pytest.mark.parametrize("out_hw", [(1, 1), (2, 3), (7, 7), (8, 8), (13, 6)], ids=str)
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_output_sizes(out_hw, padding):
    kernel = (min(3, out_hw[0]), min(2, out_hw[1]))
    check((1, *out_hw, 2), (2, *kernel, 3), padding, (2, 2))


@pytest.mark.parametrize("out_shape, weights_shape", [
    ((2, 9, 7, 3), (3, 3, 3, 2)),        # batch 2, odd sizes
    ((3, 4, 4, 1), (1, 2, 2, 1)),        # single channel in and out
    ((1, 8, 8, 33), (33, 3, 3, 16)),     # many channels
    ((1, 6, 6, 5), (5, 1, 1, 7)),        # pointwise
    ((1, 16, 1, 4), (4, 4, 1, 2)),       # 1-D along height
], ids=shape_id)
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_shapes(out_shape, weights_shape, padding):
    check(out_shape, weights_shape, padding, (2, 2))


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_fused_activation(act):
    check((1, 8, 8, 4), (4, 3, 3, 3), "SAME", (2, 2), act, input_range=(-3, 3))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (3, 2)], ids=str)
def test_without_bias(padding, stride):
    check((2, 9, 8, 3), (3, 4, 3, 2), padding, stride, bias=False)


def test_omitted_bias():
    # Bias given as an omitted optional input (-1).
    inputs = tconv_inputs((1, 6, 6, 2), (2, 3, 3, 2), stride=(2, 2), bias=False) + [None]
    check_op("TRANSPOSE_CONV", inputs, options=dict(stride_h=2, stride_w=2), output_dtype=F32)


@pytest.mark.parametrize("out_shape", [(1, 33, 32, 32), (2, 25, 24, 32)], ids=shape_id)
def test_threads(out_shape):
    # Large enough for the output rows to be split across threads, including uneven splits.
    inputs = tconv_inputs(out_shape, (32, 3, 3, 32), stride=(2, 2))
    check_threads("TRANSPOSE_CONV", inputs, options=dict(stride_h=2, stride_w=2),
                  output_dtypes=F32)


def test_channels_beyond_one_accumulator_block():
    check((1, 3, 3, 4100), (4100, 2, 2, 2), "SAME", (2, 2))


# --- must-fail ---------------------------------------------------------------------------------

W = rand((4, 3, 3, 2))
STRIDE2 = dict(stride_h=2, stride_w=2)


def rejected(inputs, match, options=STRIDE2, **kwargs):
    kwargs.setdefault("output_dtypes", F32)
    assert_rejected("TRANSPOSE_CONV", inputs, options=options, match=match, **kwargs)


def test_rejects_rank_3_input():
    rejected([np.array([1, 8, 8, 4], I32), W, ((4, 4, 2), F32)], "input 2 has rank 3",
             litert_rejects=True)


def test_rejects_rank_3_weights():
    rejected([np.array([1, 8, 8, 4], I32), rand((4, 3, 2)), ((1, 4, 4, 2), F32)],
             "input 1 has rank 3", litert_rejects=True)


def test_rejects_channel_mismatch():
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, 4, 4, 3), F32)],
             "input 2 has 3 channels but the weights", litert_rejects=True)


@pytest.mark.parametrize("size", [3, 5, 6])
def test_rejects_input_size_inconsistent_with_output_shape(size):
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, size, 4, 2), F32)],
             f"input 2 has height {size}, but an output height of 8 .* needs an input height "
             "of 4", litert_rejects=True)


def test_rejects_valid_input_size_inconsistent_with_output_shape():
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, 3, 4, 2), F32)],
             "input 2 has width 4, .* VALID padding needs an input width of 3",
             options=dict(padding="VALID", **STRIDE2), litert_rejects=True)


def test_rejects_valid_output_smaller_than_filter():
    rejected([np.array([1, 2, 8, 4], I32), W, ((1, 1, 3, 2), F32)],
             "output_shape height 2 is smaller than the filter height 3 with VALID padding",
             options=dict(padding="VALID", **STRIDE2), litert_rejects=True)


def test_rejects_batch_mismatch():
    rejected([np.array([2, 8, 8, 4], I32), W, ((1, 4, 4, 2), F32)],
             "output_shape batch 2 differs from the input batch 1", litert_rejects=True)


def test_rejects_output_channel_mismatch():
    rejected([np.array([1, 8, 8, 5], I32), W, ((1, 4, 4, 2), F32)],
             "output_shape channels 5 differ from the weights' output channels 4",
             litert_rejects=True)


def test_rejects_output_shape_of_3_values():
    rejected([np.array([1, 8, 8], I32), W, ((1, 4, 4, 2), F32)], "needs 4 values",
             litert_rejects=True)


def test_rejects_int64_output_shape():
    rejected([np.array([1, 8, 8, 4], np.int64), W, ((1, 4, 4, 2), F32)],
             "output_shape \\(input 0\\) has type INT64; TRANSPOSE_CONV needs INT32",
             litert_rejects=True)


def test_rejects_zero_stride():
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, 4, 4, 2), F32)], "stride_w is 0",
             options=dict(stride_h=2, stride_w=0), litert_rejects=True)


def test_rejects_bias_size():
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, 4, 4, 2), F32), rand((3,))],
             "one per output channel", litert_rejects=True)


def test_rejects_int32_bias():
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, 4, 4, 2), F32), np.zeros(4, I32)],
             "needs a FLOAT32 bias", litert_rejects=True)


def test_rejects_unknown_padding():
    rejected([np.array([1, 8, 8, 4], I32), W, ((1, 4, 4, 2), F32)],
             "padding 2 is not a valid Padding", options=dict(padding=2, **STRIDE2))


def test_runtime_output_shape_compiles_per_value():
    x = rand((1, 4, 4, 2), 3)
    # Stride 2, SAME: outputs of 7 and 8 both need a 4x4 input.
    shapes = ([1, 8, 8, 4], [1, 7, 8, 4], [1, 8, 8, 4])
    details = check_value_inputs("TRANSPOSE_CONV", [[np.array(s, I32), x] for s in shapes],
                                 options=STRIDE2 | dict(padding="SAME"), fixed={1: W},
                                 output_dtypes=F32)
    assert details["compilations"] == 2


def test_runtime_weights_are_not_supported_yet():
    rejected([np.array([1, 8, 8, 4], I32), ((4, 3, 3, 2), F32), ((1, 4, 4, 2), F32)],
             "TRANSPOSE_CONV with runtime weights \\(input 1\\) is not supported yet")


@pytest.mark.parametrize("scheme", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("per_channel", [True, False], ids=["per_channel", "per_tensor"])
@pytest.mark.parametrize("out_shape, weights_shape, padding, stride, act", [
    ((1, 8, 8, 4), (4, 3, 3, 2), "SAME", (2, 2), "NONE"),
    ((2, 7, 9, 3), (3, 3, 2, 5), "VALID", (2, 1), "RELU"),
    ((1, 6, 6, 6), (6, 1, 1, 4), "SAME", (1, 1), "RELU6"),
    ((1, 9, 9, 2), (2, 4, 4, 3), "SAME", (3, 3), "RELU_N1_TO_1"),
], ids=str)
def test_quantized(scheme, per_channel, out_shape, weights_shape, padding, stride, act):
    if scheme == "uint8" and per_channel:
        pytest.skip("UINT8 filters are per-tensor only")
    dtype, (s_in, zp_in), (s_out, zp_out) = SCHEMES[scheme]
    n, h, w, cout = out_shape
    in_shape = (n, input_size(h, weights_shape[1], stride[0], padding),
                input_size(w, weights_shape[2], stride[1], padding), weights_shape[3])
    weights = quantized_filter(weights_shape, 0, scheme, per_channel)
    inputs = [np.array(out_shape, I32), weights,
              (in_shape, dtype, dict(scale=s_in, zero_point=zp_in)),
              quantized_bias(cout, scheme, s_in, weights[1])]
    check_quantized("TRANSPOSE_CONV", inputs,
                    options=dict(padding=padding, stride_h=stride[0], stride_w=stride[1],
                                 fused_activation_function=act),
                    output_dtype=dtype, output_quant=dict(scale=s_out, zero_point=zp_out))
