"""REDUCE_PROD against LiteRT: the shared reduction cases (reduce_cases.py) over float32, int32
and int64 (integer products wrap), special values (NaN, inf times zero, overflow), the empty
reduction (1), and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, assert_rejected, check_op, check_values
from reduce_cases import SHAPE, ReduceCases

SPECIAL = np.array([[1.0, np.nan, 3.0, 0.5], [np.inf, 0.0, 1.0, 2.0], [1e30, 1e30, 1e-30, 2.0],
                    [-np.inf, -1.0, 2.0, 0.5], [-0.0, 1.0, 2.0, 3.0], [1e-30, 1e-30, 1e30, 4.0]],
                   F32)


class TestReduceProd(ReduceCases):
    OP = "REDUCE_PROD"


@pytest.mark.parametrize("axes", [[1], [0]], ids=str)
def test_special_values(axes):
    check_values("REDUCE_PROD", [SPECIAL], constants=[np.array(axes, I32)])


@pytest.mark.parametrize("dtype", [I32, I64], ids=lambda d: np.dtype(d).name)
def test_integer_wrap_around(dtype):
    # 60 factors of up to +-100000: far beyond the type's range, so the products wrap.
    check_op("REDUCE_PROD", [((3, 60), dtype)], constants=[np.array([1], I32)],
             input_range=(-100000, 100000))


def test_many_float_factors():
    check_op("REDUCE_PROD", [((4, 200), F32)], constants=[np.array([1], I32)],
             input_range=(0.9, 1.1))


def test_int8_is_not_supported_yet():
    assert_rejected("REDUCE_PROD", [(SHAPE, np.int8, dict(scale=0.1))],
                    constants=[np.array([1], I32)],
                    match="REDUCE_PROD of INT8 is not supported yet")
