"""DEQUANTIZE against LiteRT: FLOAT16 constants (folded, incl. inf/NaN/subnormals) and runtime
FLOAT16 inputs (elementwise), INT8/UINT8/INT16 per-tensor (runtime and folded), per-channel
constants (folded), INT4/INT2 packed constants (folded), a folded float16 weight feeding CONV_2D;
plus the errors jitlite reports."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing.check_op import (assert_outputs_match, build_op_model, check_op,
                                      litert_interpreter, run_both)
from jitlite.testing.model_builder import ModelBuilder

# LiteRT's XNNPACK delegate fails on a DEQUANTIZE of a constant that nothing else consumes
# ("failed to setup XNNPACK runtime"), so folded cases use the built-in kernels.
BUILTIN = litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES")

SHAPES = [(), (7,), (3, 5), (1, 4, 4, 3), (2, 1, 3, 2, 2)]


def half_values(shape, seed=0):
    return np.random.default_rng(seed).uniform(-4, 4, shape).astype(np.float16)


@pytest.mark.parametrize("shape", SHAPES)
def test_float16_constant_folded(shape):
    check_op("DEQUANTIZE", inputs=[half_values(shape)], reference=BUILTIN)


def test_float16_special_values():
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 65504, -65504, 6e-8, -6e-8, 6.1e-5,
                        1e-6, 1.0, -2.5], np.float16)
    check_op("DEQUANTIZE", inputs=[special], reference=BUILTIN)


@pytest.mark.parametrize("shape", SHAPES)
def test_float16_runtime_input(shape):
    check_op("DEQUANTIZE", inputs=[(shape, np.float16)])


QUANT = [
    (np.int8, dict(scale=0.05, zero_point=-3)),
    (np.int8, dict(scale=0.5, zero_point=0)),
    (np.uint8, dict(scale=0.02, zero_point=128)),
    (np.uint8, dict(scale=1.5, zero_point=7)),
    (np.int16, dict(scale=0.001, zero_point=0)),
]


@pytest.mark.parametrize("dtype, quant", QUANT)
@pytest.mark.parametrize("shape", [(6,), (2, 3, 4)])
def test_integer_per_tensor_runtime(shape, dtype, quant):
    check_op("DEQUANTIZE", inputs=[(shape, dtype, quant)])


@pytest.mark.parametrize("dtype, quant", QUANT)
def test_integer_per_tensor_folded(dtype, quant):
    info = np.iinfo(dtype)
    value = np.random.default_rng(2).integers(info.min, info.max, (3, 4), endpoint=True)
    check_op("DEQUANTIZE", inputs=[(value.astype(dtype), quant)], reference=BUILTIN)


@pytest.mark.parametrize("axis", [0, 1, 3])
def test_per_channel_constant_folded(axis):
    dtype = np.int8  # TFLite's per-channel DEQUANTIZE takes INT8 (INT4/INT2 below) only
    shape = (3, 2, 2, 4)
    channels = shape[axis]
    value = np.random.default_rng(axis).integers(-100, 100, shape).astype(dtype)
    zp = np.arange(channels) - 1
    quant = dict(scale=np.linspace(0.01, 0.2, channels), zero_point=zp, quantized_dimension=axis)
    check_op("DEQUANTIZE", inputs=[(value, quant)], reference=BUILTIN)


# INT4 / INT2 constants: packed in the model (two / four per byte; odd counts leave a partial
# last byte), unpacked at allocate time, folded; bit-exact with LiteRT's reference kernels.
REFERENCE = litert_interpreter("BUILTIN_REF")
SUB_BYTE_RANGES = {"INT4": (-8, 7), "INT2": (-2, 1)}


@pytest.mark.parametrize("tensor_type", ["INT4", "INT2"])
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (2, 3, 3, 2)], ids=str)
@pytest.mark.parametrize("scale, zero_point", [(0.25, 0), (0.07, -3), (1.5, 1)])
def test_sub_byte_per_tensor_folded(tensor_type, shape, scale, zero_point):
    low, high = SUB_BYTE_RANGES[tensor_type]
    value = np.random.default_rng(len(shape)).integers(low, high, shape, endpoint=True)
    quant = dict(tensor_type=tensor_type, scale=scale, zero_point=zero_point)
    check_op("DEQUANTIZE", inputs=[(value.astype(np.int8), quant)], reference=REFERENCE)


@pytest.mark.parametrize("tensor_type", ["INT4", "INT2"])
@pytest.mark.parametrize("axis", [0, 1, 3])
def test_sub_byte_per_channel_folded(tensor_type, axis):
    low, high = SUB_BYTE_RANGES[tensor_type]
    shape = (3, 5, 1, 3)
    channels = shape[axis]
    value = np.random.default_rng(axis).integers(low, high, shape, endpoint=True)
    quant = dict(tensor_type=tensor_type, scale=np.linspace(0.01, 0.2, channels),
                 zero_point=np.arange(channels) - 1, quantized_dimension=axis)
    check_op("DEQUANTIZE", inputs=[(value.astype(np.int8), quant)], reference=REFERENCE)


def test_float16_weights_feed_conv():
    # The float16-weight model pattern: CONV_2D reads its filter from a folded DEQUANTIZE.
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [1, 6, 6, 3])
    w16 = mb.add_constant("w16", half_values((4, 3, 3, 3), 1))
    b16 = mb.add_constant("b16", half_values((4,), 2))
    w = mb.add_tensor("w", np.float32, [4, 3, 3, 3])
    b = mb.add_tensor("b", np.float32, [4])
    mb.add_op("DEQUANTIZE", [w16], [w])
    mb.add_op("DEQUANTIZE", [b16], [b])
    y = mb.add_tensor("y", np.float32, [1, 6, 6, 4])
    mb.add_op("CONV_2D", [x, w, b], [y], dict(padding="SAME"))
    mb.mark_output(y)
    x_value = np.random.default_rng(3).uniform(-1, 1, (1, 6, 6, 3)).astype(np.float32)
    actual, expected = run_both(mb.build(), [x_value])
    assert_outputs_match(actual, expected)


@pytest.mark.parametrize("inputs, output_dtype, match", [
    ([((2, 3), np.int8, dict(scale=[0.1, 0.2], zero_point=0, quantized_dimension=0))],
     np.float32, "per-channel DEQUANTIZE of a runtime"),
    ([((2, 3), np.int8)], np.float32, "no quantization parameters"),
    ([((2, 3), np.int32)], np.float32, "INT32"),
    ([((2, 3), np.float32)], np.float32, "FLOAT32"),
    ([((2, 3), np.float16)], np.float16, "outputs FLOAT32"),
    ([(np.zeros((2, 3), np.int16), dict(scale=[0.1, 0.2], zero_point=0,
                                        quantized_dimension=0))],
     np.float32, "per-channel DEQUANTIZE takes INT8"),
])
def test_errors(inputs, output_dtype, match):
    model = build_op_model("DEQUANTIZE", inputs=inputs, output_dtypes=output_dtype,
                           output_shapes=[[2, 3]])
    with pytest.raises(RuntimeError, match=match):
        Interpreter(model_content=model).allocate_tensors()
