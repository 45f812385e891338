"""EXPAND_DIMS against LiteRT: every axis position, negative axes, int32 and int64 axis tensors
(1-element 1-D or scalar), scalar and empty inputs, several element types, quantized pass-through,
and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import STR, check_strings, random_strings
from op_testing import F32, I32, I64, assert_rejected, check_op, check_value_inputs, shape_id

SHAPES = [(), (5,), (2, 3), (1, 4, 4, 3), (0, 2), (2, 1, 3, 1, 2, 1, 2)]


def axes_of(shape):
    r = len(shape)
    return sorted(set([0, r, -1, -(r + 1), r // 2]))


CASES = [(shape, axis) for shape in SHAPES for axis in axes_of(shape)]


@pytest.mark.parametrize("dtype", [F32, I32, I64, np.bool_], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape, axis", CASES, ids=shape_id)
def test_axis(shape, axis, dtype):
    check_op("EXPAND_DIMS", [(shape, dtype)], constants=[np.array([axis], I32)])


@pytest.mark.parametrize("axis", [np.array(1, I32), np.array([1], I64), np.array(-1, I64)],
                         ids=["scalar_int32", "int64", "scalar_int64"])
def test_axis_tensor_forms(axis):
    check_op("EXPAND_DIMS", [((2, 3), F32)], constants=[axis])


def test_quantized_int8_passes_through():
    check_op("EXPAND_DIMS", [((2, 3), np.int8, dict(scale=0.5, zero_point=1))],
             constants=[np.array([0], I32)])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [3, -4])
def test_rejects_axis_out_of_range(axis):
    assert_rejected("EXPAND_DIMS", [((2, 3), F32)], constants=[np.array([axis], I32)],
                    match=f"axis {axis} is out of range", litert_rejects=True)


def test_rejects_two_axes():
    assert_rejected("EXPAND_DIMS", [((2, 3), F32)], constants=[np.array([0, 1], I32)],
                    match="must hold exactly one value", litert_rejects=True)


def test_rejects_float_axis():
    assert_rejected("EXPAND_DIMS", [((2, 3), F32)], constants=[np.array([0.0], F32)],
                    match="expected INT32 or INT64", litert_rejects=True)


def test_runtime_axis_compiles_per_value():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    check_value_inputs("EXPAND_DIMS", [[x, np.array([a], I32)] for a in (0, 2, -1, 0)])


def test_rejects_requantization():
    assert_rejected("EXPAND_DIMS", [((2, 3), np.int8, dict(scale=0.5))],
                    constants=[np.array([0], I32)], output_quant=dict(scale=0.25),
                    match="quantization .* differs")


# --- STRING tensors (run as interned ids: lib/string_tensors.h) -------------------------------

@pytest.mark.parametrize("shape, axis", [((3,), 0), ((3,), -1), ((2, 3), 1), ((1,), 0)])
def test_strings(shape, axis):
    check_strings("EXPAND_DIMS", [random_strings(shape, seed=axis + 2)], [np.array(axis, np.int32)])
