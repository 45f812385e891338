"""SHAPE against LiteRT (ranks 0-5, any input dtype, INT32/INT64 out_type), and the Keras
dynamic-batch idiom SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE, which jitlite folds at allocate
time, run at the declared batch and at a resized one."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing.check_op import (assert_outputs_match, build_op_model, check_op,
                                      litert_interpreter, run_both)
from jitlite.testing.model_builder import ModelBuilder

SHAPES = [(5,), (1, 4), (2, 3, 4), (1, 8, 8, 3), (2, 1, 3, 1, 2)]


@pytest.mark.parametrize("out_type", [np.int32, np.int64])
@pytest.mark.parametrize("shape", SHAPES)
def test_shape(shape, out_type):
    check_op("SHAPE", inputs=[(shape, np.float32)], options=dict(out_type=out_type),
             output_dtype=out_type)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.bool_, np.int8, np.float16])
def test_any_input_dtype(dtype):
    check_op("SHAPE", inputs=[((3, 2), dtype)], options=dict(out_type=np.int32),
             output_dtype=np.int32)


def test_shape_of_scalar_is_empty():
    # LiteRT cannot hand out a 0-element tensor (get_tensor raises), so check jitlite alone.
    model = build_op_model("SHAPE", inputs=[((), np.float32)], options=dict(out_type=np.int32),
                           output_dtypes=np.int32, output_shapes=[[0]])
    interpreter = Interpreter(model_content=model)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], np.float32(1))
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    assert out.shape == (0,) and out.dtype == np.int32


def test_shape_of_constant():
    check_op("SHAPE", inputs=[np.zeros((4, 1, 2), np.float32)], options=dict(out_type=np.int32),
             output_dtype=np.int32)


@pytest.mark.parametrize("options, output_dtype, match", [
    (dict(out_type=np.float32), np.float32, "out_type is FLOAT32"),
    ({}, np.int32, "out_type is FLOAT32"),  # no options table: TFLite rejects it too
    (dict(out_type=np.int32), np.int64, "but ShapeOptions.out_type is INT32"),
])
def test_errors(options, output_dtype, match):
    model = build_op_model("SHAPE", inputs=[((2, 3), np.float32)], options=options,
                           output_dtypes=output_dtype, output_shapes=[[2]])
    with pytest.raises(RuntimeError, match=match):
        Interpreter(model_content=model).allocate_tensors()


def dynamic_batch_model(index_dtype=np.int32, shape_dtype=np.int32):
    """x[-1, 4, 4, 2] -> y = RELU(RESHAPE(x, PACK(SHAPE(x)[0], 32))) plus the PACKed shape."""
    mb = ModelBuilder()
    x = mb.add_input("x", np.float32, [-1, 4, 4, 2])
    s = mb.add_tensor("shape", shape_dtype, [4])
    mb.add_op("SHAPE", [x], [s], dict(out_type=shape_dtype))
    begin = mb.add_constant("begin", np.array([0], index_dtype))
    end = mb.add_constant("end", np.array([1], index_dtype))
    strides = mb.add_constant("strides", np.array([1], index_dtype))
    batch = mb.add_tensor("batch", shape_dtype, [])
    mb.add_op("STRIDED_SLICE", [s, begin, end, strides], [batch], dict(shrink_axis_mask=1))
    rest = mb.add_constant("rest", np.array(32, shape_dtype))
    new_shape = mb.add_tensor("new_shape", shape_dtype, [2])
    mb.add_op("PACK", [batch, rest], [new_shape], dict(values_count=2, axis=0))
    flat = mb.add_tensor("flat", np.float32, [-1, 32])
    mb.add_op("RESHAPE", [x, new_shape], [flat])
    y = mb.add_tensor("y", np.float32, [-1, 32])
    mb.add_op("RELU", [flat], [y])
    mb.mark_output(y, new_shape)
    return mb.build()


@pytest.mark.parametrize("batch", [1, 3, 5])
def test_dynamic_batch_reshape(batch):
    model = dynamic_batch_model()
    x = np.random.default_rng(batch).uniform(-2, 2, (batch, 4, 4, 2)).astype(np.float32)
    # LiteRT's XNNPACK delegate fails to set up this graph, so compare with its built-in kernels.
    reference = litert_interpreter("BUILTIN_WITHOUT_DEFAULT_DELEGATES")
    actual, expected = run_both(model, [x], reference=reference)
    assert_outputs_match(actual, expected, context=f"batch {batch}")
    assert actual[0].shape == (batch, 32)
    assert list(actual[1]) == [batch, 32]


def test_dynamic_batch_resize_after_allocate():
    # Resizing again re-folds the SHAPE chain for the new batch.
    interpreter = Interpreter(model_content=dynamic_batch_model())
    index = interpreter.get_input_details()[0]["index"]
    for batch in (1, 3, 2):
        interpreter.resize_tensor_input(index, [batch, 4, 4, 2])
        interpreter.allocate_tensors()
        x = np.full((batch, 4, 4, 2), -1.0, np.float32)
        x[..., 0] = np.arange(batch, dtype=np.float32)[:, None, None]
        interpreter.set_tensor(index, x)
        interpreter.invoke()
        out = interpreter.get_output_details()
        y = interpreter.get_tensor(out[0]["index"])
        np.testing.assert_array_equal(y, np.maximum(x.reshape(batch, 32), 0))
