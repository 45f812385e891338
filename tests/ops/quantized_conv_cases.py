"""Quantized CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED cases shared by their op tests: int8
with per-channel and per-tensor filters, uint8 (legacy, filter zero point), 16x8 (int16
activations, int64 bias), INT4/INT2 filters (packed constants); bit-exact vs LiteRT's reference
kernels (check_quantized)."""

import numpy as np

from op_testing import check_quantized

I8, U8, I16 = np.int8, np.uint8, np.int16

# (input dtype, input (scale, zero point), output (scale, zero point)) per scheme.
SCHEMES = {
    "int8": (I8, (0.04, -3), (0.09, 5)),
    "uint8": (U8, (0.03, 131), (0.11, 120)),
    "int16": (I16, (0.0007, 0), (0.002, 0)),
}


# Value ranges of the signed filter types; INT4/INT2 are written packed (model_builder).
FILTER_RANGES = {"INT8": (-127, 127), "INT4": (-8, 7), "INT2": (-2, 1)}


def quantized_filter(shape, channel_axis, scheme, per_channel, seed=1, filter_type="INT8"):
    """A random filter constant with its quantization (per channel along channel_axis or not);
    filter_type INT4/INT2 stores it packed, values over that type's whole range."""
    rng = np.random.default_rng(seed)
    channels = shape[channel_axis]
    if scheme == "uint8":
        return (rng.integers(0, 256, shape, dtype=U8), dict(scale=0.02, zero_point=119))
    low, high = FILTER_RANGES[filter_type]
    values = rng.integers(low, high, shape, dtype=I8, endpoint=True)
    packed = {} if filter_type == "INT8" else dict(tensor_type=filter_type)
    if per_channel:
        scales = list(rng.uniform(0.002, 0.03, channels))
        return (values, dict(scale=scales, zero_point=[0] * channels,
                             quantized_dimension=channel_axis, **packed))
    return (values, dict(scale=0.015, zero_point=0, **packed))


def quantized_bias(channels, scheme, input_scale, filter_quant, seed=2):
    """Random bias with TFLite's scales: input scale x filter scale (per channel)."""
    rng = np.random.default_rng(seed)
    dtype = np.int64 if scheme == "int16" else np.int32
    scales = np.broadcast_to(np.asarray(filter_quant["scale"], np.float64), (channels,))
    quant = dict(scale=[float(input_scale * s) for s in scales], zero_point=[0] * channels)
    return (rng.integers(-3000, 3000, channels).astype(dtype), quant)


def check_quantized_conv(op, input_shape, filter_shape, channel_axis, scheme, per_channel=True,
                         bias=True, options=None, seed=1, filter_type="INT8", runner=None):
    dtype, (s_in, zp_in), (s_out, zp_out) = SCHEMES[scheme]
    channels = filter_shape[channel_axis]
    weights = quantized_filter(filter_shape, channel_axis, scheme, per_channel, seed, filter_type)
    constants = [weights, quantized_bias(channels, scheme, s_in, weights[1], seed + 1)
                 if bias else None]
    return check_quantized(op, [(input_shape, dtype, dict(scale=s_in, zero_point=zp_in))],
                           constants, options, output_dtype=dtype,
                           output_quant=dict(scale=s_out, zero_point=zp_out), seed=seed,
                           runner=runner)
