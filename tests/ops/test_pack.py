"""PACK against LiteRT: 1-4 inputs, ranks 0-3, every axis (negative too), float32/int32/int64,
kernel (runtime inputs), folded (all constant) and mixed; plus the errors jitlite reports."""

import numpy as np
import pytest

from jitlite import Interpreter
from jitlite.testing.check_op import build_op_model, check_op
from op_testing import check_quantized

DTYPES = [np.float32, np.int32, np.int64]
SHAPES = [(), (3,), (2, 3), (2, 1, 3)]


def axes(shape):
    rank = len(shape)
    return list(range(-(rank + 1), rank + 1))


def const(shape, dtype, seed):
    return (np.random.default_rng(seed).uniform(-50, 50, shape)).astype(dtype)


CASES = [(shape, axis, n) for shape in SHAPES for axis in axes(shape) for n in (1, 3)]


@pytest.mark.parametrize("shape, axis, n", CASES)
def test_kernel_float32(shape, axis, n):
    check_op("PACK", inputs=[(shape, np.float32)] * n, options=dict(values_count=n, axis=axis))


@pytest.mark.parametrize("shape, axis, n", CASES)
def test_folded(shape, axis, n):
    check_op("PACK", inputs=[const(shape, np.int32, i) for i in range(n)],
             options=dict(values_count=n, axis=axis))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, axis", [((2, 3), 1), ((2, 3), -1), ((4,), 0), ((), 0)])
def test_dtypes(dtype, shape, axis):
    check_op("PACK", inputs=[(shape, dtype)] * 2, options=dict(values_count=2, axis=axis))
    check_op("PACK", inputs=[const(shape, dtype, 0), const(shape, dtype, 1)],
             options=dict(values_count=2, axis=axis))


def test_mixed_constant_and_runtime_inputs():
    check_op("PACK", inputs=[((2, 3), np.float32), const((2, 3), np.float32, 5),
                             ((2, 3), np.float32), const((2, 3), np.float32, 6)],
             options=dict(values_count=4, axis=1))


def test_zero_size_inputs():
    check_op("PACK", inputs=[((2, 0), np.float32)] * 2, options=dict(values_count=2, axis=1))


@pytest.mark.parametrize("inputs, options, match", [
    ([((2, 3), np.float32)] * 2, dict(values_count=3, axis=0), "values_count is 3"),
    ([((2, 3), np.float32)] * 2, dict(values_count=2, axis=3), "axis 3 is out of range"),
    ([((2, 3), np.float32)] * 2, dict(values_count=2, axis=-4), "axis -4 is out of range"),
    ([((2, 3), np.float32), ((3, 2), np.float32)], dict(values_count=2), "has shape"),
    ([((2, 3), np.float32), ((2, 3), np.int32)], dict(values_count=2), "has type INT32"),
    ([((2, 3), np.int8, dict(scale=0.5, zero_point=0)),
      ((2, 3), np.int8, dict(scale=0.25, zero_point=0))], dict(values_count=2),
     "quantized unlike input 0"),
])
def test_errors(inputs, options, match):
    model = build_op_model("PACK", inputs=inputs, options=options, output_shapes=[[1]])
    with pytest.raises(RuntimeError, match=match):
        Interpreter(model_content=model).allocate_tensors()


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_quantized_raw_copy(dtype, axis):
    q = dict(scale=0.5, zero_point=0 if dtype == np.int16 else 7)
    check_quantized("PACK", [((2, 3), dtype, q)] * 3, options=dict(values_count=3, axis=axis))
