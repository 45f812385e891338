"""CONV_3D_TRANSPOSE (float32) against LiteRT: SAME/VALID padding, strides (equal, mixed, odd
output sizes), dilations, every activation, with and without bias, batch > 1, runtime filters,
output_shape as a graph input (compiled per value); plus the rejected cases (an output_shape
that does not convolve back to the input, channel mismatches, quantized inputs). Float
tolerance: check_op's."""

import numpy as np
import pytest

from op_testing import (ACTIVATIONS, F32, assert_rejected, check_op, check_value_inputs,
                        rand)

OP = "CONV_3D_TRANSPOSE"


def shape(*dims):
    return np.array(dims, np.int32)


def conv_options(padding="SAME", strides=(1, 1, 1), dilations=(1, 1, 1), activation="NONE"):
    return dict(padding=padding, stride_d=strides[0], stride_h=strides[1], stride_w=strides[2],
                dilation_d_factor=dilations[0], dilation_h_factor=dilations[1],
                dilation_w_factor=dilations[2], fused_activation_function=activation)


# (output shape, filter shape [D, H, W, O, I], input shape, options)
CASES = [
    ((1, 4, 5, 6, 3), (2, 2, 2, 3, 2), (1, 4, 5, 6, 2), conv_options()),
    ((1, 8, 9, 12, 3), (3, 2, 3, 3, 2), (1, 4, 5, 6, 2), conv_options(strides=(2, 2, 2))),
    ((2, 5, 6, 7, 4), (2, 3, 2, 4, 3), (2, 4, 4, 6, 3), conv_options("VALID")),
    ((1, 9, 7, 8, 2), (3, 3, 2, 2, 3), (1, 4, 3, 4, 3), conv_options("VALID", (2, 2, 2))),
    ((1, 7, 6, 5, 2), (2, 2, 2, 2, 3), (1, 5, 4, 3, 3), conv_options("VALID", dilations=(2, 2, 2))),
    ((1, 6, 6, 6, 2), (3, 3, 3, 2, 1), (1, 3, 2, 6, 1), conv_options(strides=(2, 3, 1))),
    ((1, 5, 4, 6, 1), (2, 3, 2, 1, 2), (1, 5, 4, 6, 2), conv_options(dilations=(1, 2, 3))),
    ((1, 1, 1, 1, 1), (1, 1, 1, 1, 1), (1, 1, 1, 1, 1), conv_options()),
]


@pytest.mark.parametrize("with_bias", [False, True])
@pytest.mark.parametrize("out, filt, inp, options", CASES)
def test_padding_strides_dilations(out, filt, inp, options, with_bias):
    bias = [rand((filt[3],), seed=3)] if with_bias else []
    check_op(OP, [shape(*out), rand(filt, seed=1), (inp, F32)] + bias, options=options,
             output_dtype=F32)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activations(activation):
    check_op(OP, [shape(1, 8, 9, 12, 3), rand((3, 2, 3, 3, 2)), ((1, 4, 5, 6, 2), F32),
                  rand((3,), seed=2)], options=conv_options(strides=(2, 2, 2),
                                                            activation=activation),
             output_dtype=F32)


def test_runtime_filter_and_bias():
    check_op(OP, [shape(2, 6, 5, 4, 3), ((2, 2, 3, 3, 2), F32), ((2, 3, 3, 2, 2), F32),
                  ((3,), F32)], options=conv_options(strides=(2, 2, 2)), output_dtype=F32)


def test_output_shape_as_graph_input_compiles_per_value():
    filt = rand((2, 2, 2, 2, 3))
    x = rand((1, 3, 3, 3, 3), seed=4)
    sets = [[shape(*s), x] for s in ((1, 6, 6, 6, 2), (1, 5, 5, 5, 2), (1, 6, 6, 6, 2))]
    check_value_inputs(OP, sets, options=conv_options(strides=(2, 2, 2)), fixed={1: filt},
                       output_dtypes=F32)


@pytest.mark.parametrize("inputs, options, match, litert_rejects", [
    ([shape(1, 9, 9, 12, 3), rand((3, 2, 3, 3, 2)), ((1, 4, 5, 6, 2), F32)],
     conv_options(strides=(2, 2, 2)), "output depth 9 convolves back to 5", True),
    ([shape(1, 4, 5, 6, 3), rand((2, 2, 2, 3, 4)), ((1, 4, 5, 6, 2), F32)], conv_options(),
     "takes 4", True),
    ([shape(2, 4, 5, 6, 3), rand((2, 2, 2, 3, 2)), ((1, 4, 5, 6, 2), F32)], conv_options(),
     "needs the input's batch", True),
    ([shape(1, 4, 5, 6, 3), rand((2, 2, 2, 3, 2)), ((1, 4, 5, 6, 2), F32), rand((2,))],
     conv_options(), "bias", True),
    ([np.array([1, 4, 5, 6], np.int32), rand((2, 2, 2, 3, 2)), ((1, 4, 5, 6, 2), F32)],
     conv_options(), r"expected INT32\[5\]", True),
    ([shape(1, 4, 5, 6, 3), rand((2, 2, 2, 3, 2)), ((1, 4, 5, 6, 2), F32)],
     conv_options(strides=(0, 1, 1)), "strides must be >= 1", False),
])
def test_invalid(inputs, options, match, litert_rejects):
    assert_rejected(OP, inputs, options=options, match=match, output_shapes=[[1]],
                    output_dtypes=F32, litert_rejects=litert_rejects)


def test_quantized_input_is_unimplemented():
    filt = (np.ones((2, 2, 2, 3, 2), np.int8), dict(scale=0.1, zero_point=0))
    assert_rejected(OP, [shape(1, 4, 5, 6, 3), filt,
                         ((1, 4, 5, 6, 2), np.int8, dict(scale=0.5, zero_point=0))],
                    options=conv_options(), match="INT8 .quantized. is not supported yet",
                    output_shapes=[[1, 4, 5, 6, 3]], output_dtypes=np.int8,
                    output_quant=dict(scale=0.5, zero_point=0))
