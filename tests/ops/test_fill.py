"""FILL against LiteRT: output ranks 0-6, int32/int64 dims, float32/int32/int64/bool and
quantized raw copies, constant (folded) and runtime values, empty outputs, a fused epilogue;
plus the rejected cases."""

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, run_both
from jitlite.testing.model_builder import ModelBuilder
from op_testing import STR, check_strings, random_strings
from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "FILL"
SHAPES = [(), (5,), (3, 4), (2, 3, 5), (2, 3, 1, 4), (2, 1, 3, 2, 3), (2, 1, 2, 3, 1, 2),
          (0, 3)]


def dims(shape, dtype=np.int32):
    return np.array(shape, dtype=dtype).reshape(len(shape))


def fill(dims_array, value, **kwargs):
    """check_op with the output typed like the value (the builder's default is input 0's)."""
    dtype = value.dtype if isinstance(value, np.ndarray) else value[1]
    check_op(OP, [dims_array, value], output_dtype=dtype, **kwargs)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_runtime_value(shape):
    fill(dims(shape), ((), F32))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_constant_value_is_folded(shape):
    fill(dims(shape), np.array(1.75, F32))


@pytest.mark.parametrize("dims_dtype", [I32, I64])
@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype, dims_dtype):
    fill(dims((2, 3), dims_dtype), ((), dtype))
    fill(dims((2, 3), dims_dtype), np.array(1, dtype))


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    q = dict(scale=0.5, zero_point=0 if dtype == np.int16 else 3)
    fill(dims((2, 3)), ((), dtype, q), output_quant=q)


def test_epilogue_fuses():
    mb = ModelBuilder()
    d = mb.add_constant("dims", dims((2, 3)))
    v = mb.add_input("v", F32, [])
    filled = mb.add_tensor("filled", F32, [2, 3])
    mb.add_op(OP, [d, v], [filled])
    y = mb.add_input("y", F32, [3])
    out = mb.add_tensor("out", F32, [2, 3])
    mb.add_op("MUL", [filled, y], [out])
    mb.mark_output(out)
    values = [np.array(3.0, F32), np.array([1.0, -2.0, 0.5], F32)]
    actual, expected = run_both(mb.build(), values)
    assert_outputs_match(actual, expected)


@pytest.mark.parametrize("inputs, match", [
    ([dims((2, -1)), ((), F32)], "sizes must be in"),
    ([dims((2, 3)), ((1,), F32)], "needs a scalar"),
    ([np.zeros((1, 2), np.int32), ((), F32)], "expected a 1-D tensor"),
])
def test_invalid(inputs, match):
    assert_rejected(OP, inputs, match=match, output_shapes=[[1]], output_dtypes=F32)


def test_runtime_dims_compile_per_value():
    value = np.array(1.5, F32)
    check_value_inputs(OP, [[np.array(d, I32), value] for d in ([2, 3], [4, 1], [2, 3])],
                       output_dtypes=F32)


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("dims", [[2, 3], [4], [0, 2]])
@pytest.mark.parametrize("value", [b"hey", b"", "\u4e2d\x00".encode()])
def test_strings_constant_value(dims, value):
    """LiteRT's set_tensor stores a 0-d STRING as raw bytes (not TFLite's string format), so
    its FILL reads garbage from a runtime value: the value is a constant here."""
    constant = np.empty((), dtype=object)
    constant[()] = value
    check_strings(OP, [np.array(dims, np.int32)], [constant])
