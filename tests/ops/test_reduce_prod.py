"""REDUCE_PROD against LiteRT: the shared reduction cases (reduce_cases.py) over float32, int32
and int64 (integer products wrap), special values (NaN, inf times zero, overflow), the empty
reduction (1), and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, I64, check_op, check_values
from reduce_cases import QuantizedReduceCases, ReduceCases

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


class TestQuantizedProd(QuantizedReduceCases):
    OP = "REDUCE_PROD"
    # Each factor rescaled by s_in / s_out^(1/N): output scales above and below the input's.
    QUANT = {
        np.int8: [((0.05, 3), (0.05, 3)), ((0.05, 3), (2.0, -5)), ((0.02, -128), (0.001, 127))],
        np.int16: [((0.001, 0), (0.001, 0)), ((0.0005, 0), (0.02, 0)), ((0.01, 0), (1e-4, 0))],
    }

    def test_rejects_uint8(self):
        self.assert_both_reject(np.uint8, ((0.05, 128), (0.05, 128)), "takes INT8 and INT16 only")
