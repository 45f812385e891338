"""REDUCE_MAX against LiteRT: the shared reduction cases (reduce_cases.py) over float32, int32
and int64, NaN/inf/signed-zero placement (TFLite's `in < acc ? acc : in` order), the empty
reduction (-FLT_MAX, TFLite's kernel), and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, TFLITE_KERNELS, assert_rejected, check_values
from reduce_cases import SHAPE, ReduceCases, assert_same_zero_signs

# Rows where a NaN comes first, in the middle, last, alone; infinities; signed zeros.
SPECIAL = np.array([[1.0, np.nan, 3.0, 0.5], [np.nan, 2.0, 1.0, 0.0], [0.0, 1.0, 2.0, np.nan],
                    [np.nan] * 4, [-np.inf] * 4, [np.inf, 1.0, np.nan, -np.inf],
                    [-0.0, 0.0, -0.0, 0.0], [0.0, -0.0, 0.0, -0.0]], F32)


class TestReduceMax(ReduceCases):
    OP = "REDUCE_MAX"
    # XNNPACK writes -inf for an empty reduction, TFLite's kernel -FLT_MAX (jitlite's choice).
    EMPTY_REFERENCE = TFLITE_KERNELS


@pytest.mark.parametrize("axes", [[1], [0], [0, 1], [-1, 0]], ids=str)
def test_special_values(axes):
    # TFLite's kernel as the reference: XNNPACK folds a whole-tensor reduction in another
    # order, so where NaNs land differs there.
    for values in (SPECIAL, SPECIAL.T.copy()):
        check_values("REDUCE_MAX", [values], constants=[np.array(axes, I32)],
                     reference=TFLITE_KERNELS)


def test_signed_zeros():
    assert_same_zero_signs("REDUCE_MAX", SPECIAL[6:], [1])


def test_extreme_integers():
    values = np.array([[np.iinfo(I32).min, -1, np.iinfo(I32).max], [np.iinfo(I32).min] * 3], I32)
    check_values("REDUCE_MAX", [values], constants=[np.array([1], I32)])


def test_int8_is_not_supported_yet():
    assert_rejected("REDUCE_MAX", [(SHAPE, np.int8, dict(scale=0.1))],
                    constants=[np.array([1], I32)], match="REDUCE_MAX of INT8 is not supported yet")
