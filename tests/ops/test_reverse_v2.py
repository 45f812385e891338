"""REVERSE_V2 against LiteRT: ranks 1-6, every single axis (negative too), several contiguous
axes (non-contiguous ones, beyond TFLite, against numpy), float32/int32/int64/bool and quantized
raw copies, size-1 and empty dims, constant (folded) data; plus the rejected cases (int64 axes
as in TFLite)."""

import numpy as np
import pytest

from jitlite.testing import build_op_model, jitlite_interpreter, run_model
from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs

OP = "REVERSE_V2"
SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 5), 4: (2, 3, 1, 4), 5: (2, 1, 3, 2, 3),
          6: (2, 1, 2, 3, 1, 2)}
CASES = [(rank, axis) for rank in sorted(SHAPES) for axis in range(-rank, rank)]


def axes(values, dtype=np.int32):
    return np.array(values, dtype=dtype)


@pytest.mark.parametrize("rank, axis", CASES)
def test_single_axis(rank, axis):
    check_op(OP, [(SHAPES[rank], F32)], [axes([axis])])


@pytest.mark.parametrize("shape, axis_list", [
    ((3, 4), [0, 1]), ((2, 3, 5), [1, 2]), ((2, 3, 5), [-1, 1]), ((2, 3, 1, 4), [2, 0, 1]),
])
def test_several_contiguous_axes(shape, axis_list):
    check_op(OP, [(shape, F32)], [axes(axis_list)])


@pytest.mark.parametrize("shape, axis_list", [((2, 3, 5), [0, 2]), ((2, 3, 1, 4), [3, 0, 1])])
def test_non_contiguous_axes_beyond_tflite(shape, axis_list):
    # TFLite's kernel fails at invoke on these; jitlite reverses every listed axis (np.flip).
    model = build_op_model(OP, [(shape, F32)], [axes(axis_list)], output_shapes=[list(shape)])
    x = np.random.default_rng(0).uniform(-2, 2, shape).astype(F32)
    got = run_model(jitlite_interpreter(), model, [x])[0]
    np.testing.assert_array_equal(got, np.flip(x, axis=tuple(axis_list)))


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_])
def test_dtypes(dtype):
    check_op(OP, [((3, 4), dtype)], [axes([1])])


def test_int64_axes_rejected_like_tflite():
    assert_rejected(OP, [((3, 4), F32)], [axes([1], I64)], match="takes INT32 axes",
                    output_shapes=[[3, 4]], litert_rejects=True)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_quantized_raw_copy(dtype):
    check_op(OP, [((3, 4), dtype, dict(scale=0.5, zero_point=0))], [axes([0])])


def test_empty_and_size_one_dims():
    check_op(OP, [((0, 3), F32)], [axes([0])])
    check_op(OP, [((1, 1, 4), F32)], [axes([1])])


def test_constant_data_is_folded():
    check_op(OP, [np.arange(12, dtype=np.int32).reshape(3, 4), axes([1])])


@pytest.mark.parametrize("axis_list, match", [
    ([2], "axis 2 is out of range"),
    ([-3], "axis -3 is out of range"),
    ([0, -2], "listed twice"),
])
def test_invalid(axis_list, match):
    assert_rejected(OP, [((3, 4), F32)], [axes(axis_list)], match=match, output_shapes=[[3, 4]])


def test_runtime_axis_compiles_per_value():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    check_value_inputs(OP, [[x, np.array([a], np.int32)] for a in (0, 1, -1)])
