"""SELECT (v1) against LiteRT: x and y of one shape, with a condition of that shape, a scalar
condition, or a rank-1 condition picking whole rows along x's first dimension (ranks 1 to 6,
empty), every value type TFLite selects on, and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, shape_id

B = np.bool_
VALUE_TYPES = [F32, I32, I64, np.int16, np.int8, np.uint8, B]

# (condition, x = y) shapes.
SHAPES = [
    ((), ()),
    ((), (5,)),
    ((), (2, 3, 4)),
    ((5,), (5,)),
    ((2, 3), (2, 3)),
    ((1,), (1, 3)),
    ((2,), (2, 3)),
    ((3,), (3, 4, 5)),
    ((1, 4, 4, 3), (1, 4, 4, 3)),
    ((2,), (2, 1, 3, 1, 2, 3)),
    ((0,), (0, 3)),
    ((2, 0), (2, 0)),
]


def check(shapes, dtype, **kwargs):
    c, x = shapes
    return check_op("SELECT", [(c, B), (x, dtype), (x, dtype)], output_dtype=dtype, **kwargs)


@pytest.mark.parametrize("shapes", SHAPES, ids=shape_id)
def test_condition_shapes(shapes):
    check(shapes, F32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rows_pick_both_sides(seed):
    # Several seeds so that both values of each row's condition occur.
    check(((4,), (4, 3, 2)), F32, seed=seed)


@pytest.mark.parametrize("dtype", VALUE_TYPES, ids=lambda d: np.dtype(d).name)
def test_value_types(dtype):
    check(((3,), (3, 5)), dtype)


def test_constant_values():
    check_op("SELECT", [((2,), B)], output_dtype=F32,
             constants=[np.arange(6, dtype=F32).reshape(2, 3), -np.ones((2, 3), F32)])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("c, x", [((3,), (2, 3)), ((2, 3), (3,)), ((2, 1), (2, 3)),
                                  ((1,), (2, 3))], ids=shape_id)
def test_rejects_other_condition_shapes(c, x):
    assert_rejected("SELECT", [(c, B), (x, F32), (x, F32)], output_dtypes=F32,
                    match="condition shape .* must be x's shape", litert_rejects=True)


def test_rejects_broadcast_of_x_and_y():
    assert_rejected("SELECT", [((2, 3), B), ((2, 3), F32), ((3,), F32)], output_dtypes=F32,
                    match="x and y shapes differ", litert_rejects=True)


def test_rejects_non_bool_condition():
    assert_rejected("SELECT", [((3,), I32), ((3,), F32), ((3,), F32)], output_dtypes=F32,
                    match="condition .* needs BOOL", litert_rejects=True)


def test_rejects_mixed_value_types():
    assert_rejected("SELECT", [((3,), B), ((3,), I32), ((3,), I64)], output_dtypes=I32,
                    match="x and y types differ", litert_rejects=True)
