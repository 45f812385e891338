"""SPLIT against LiteRT: ranks 1-6, every axis (negative too), 1-4 splits, float32/int32/int64
and quantized raw copies (bool rejected as in TFLite), size-1 and empty dims, a 1-element axis tensor; plus the
rejected cases (uneven split, bad axis, runtime axis)."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "SPLIT"
SHAPES = {1: (6,), 2: (4, 6), 3: (2, 6, 4), 4: (2, 3, 4, 6), 5: (2, 1, 4, 2, 6),
          6: (2, 1, 2, 3, 1, 4)}


def axis_tensor(axis):
    return np.array(axis, np.int32)


def splits_for(dim):
    return [n for n in (1, 2, 3, 4) if dim % n == 0]


CASES = [(rank, axis, n) for rank in sorted(SHAPES) for axis in range(-rank, rank)
         for n in splits_for(SHAPES[rank][axis])]


def split(shape, dtype, axis, n, **tensor_args):
    spec = (shape, dtype, tensor_args) if tensor_args else (shape, dtype)
    # input 0 is the axis, so the outputs' type and quantization are given explicitly
    check_op(OP, [axis_tensor(axis), spec], options=dict(num_splits=n),
             output_dtype=[dtype] * n, output_quant=tensor_args or None)


@pytest.mark.parametrize("rank, axis, n", CASES)
def test_axes_and_counts(rank, axis, n):
    split(SHAPES[rank], F32, axis, n)


@pytest.mark.parametrize("dtype", [F32, I32, I64])
def test_dtypes(dtype):
    split((4, 6), dtype, 1, 3)


def test_bool_is_rejected_like_tflite():
    assert_rejected(OP, [axis_tensor(0), ((4, 6), np.bool_)], options=dict(num_splits=2),
                    match="BOOL", output_dtypes=[np.bool_] * 2, output_shapes=[[2, 6]] * 2,
                    litert_rejects=True)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    split((4, 6), dtype, 0, 2, scale=0.5, zero_point=0)


def test_empty_and_size_one():
    split((0, 4), F32, 1, 2)
    split((1, 1), F32, 0, 1)


def test_constant_data():
    data = np.arange(24, dtype=np.int32).reshape(4, 6)
    check_op(OP, [axis_tensor(1), data], options=dict(num_splits=2), output_dtype=[I32] * 2)


def test_one_element_axis_tensor():
    check_op(OP, [np.array([-1], np.int32), ((2, 4), F32)], options=dict(num_splits=2),
             output_dtype=[F32] * 2)


@pytest.mark.parametrize("shape, axis, n, match", [
    ((4, 6), 1, 4, "not divisible by num_splits 4"),
    ((4, 6), 2, 2, "axis 2 is out of range"),
    ((4, 6), -3, 2, "axis -3 is out of range"),
])
def test_invalid(shape, axis, n, match):
    assert_rejected(OP, [axis_tensor(axis), (shape, F32)], options=dict(num_splits=n),
                    match=match, output_dtypes=[F32] * n, output_shapes=[[1]] * n)


def test_num_splits_must_match_outputs():
    assert_rejected(OP, [axis_tensor(0), ((4, 6), F32)], options=dict(num_splits=3),
                    match="num_splits is 3", output_dtypes=[F32] * 2, output_shapes=[[1]] * 2)


def test_runtime_axis_compiles_per_value():
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    check_value_inputs(OP, [[np.array(a, I32), x] for a in (0, 1, -1)],
                       options=dict(num_splits=2), output_dtypes=[F32] * 2)
