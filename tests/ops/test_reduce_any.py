"""REDUCE_ANY against LiteRT: the shared reduction cases (reduce_cases.py) on bool data, rows
that are all false / all true / one true, the empty reduction (false), a real model, and the
models jitlite must refuse (TFLite takes BOOL input only)."""

import numpy as np
import pytest

from op_testing import F32, I32, assert_rejected, check_model_file, check_values
from reduce_cases import SHAPE, ReduceCases

ROWS = np.array([[False] * 5, [True] * 5, [False, False, True, False, False],
                 [True, False, False, False, False], [False, False, False, False, True]])


class TestReduceAny(ReduceCases):
    OP = "REDUCE_ANY"
    DTYPES = [np.bool_]


@pytest.mark.parametrize("axes", [[1], [0], [0, 1]], ids=str)
def test_rows(axes):
    check_values("REDUCE_ANY", [ROWS], constants=[np.array(axes, I32)])


def test_real_model():
    check_model_file("ops/simple_reduceany_op.tflite")


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
def test_rejects_non_bool(dtype):
    assert_rejected("REDUCE_ANY", [(SHAPE, dtype)], constants=[np.array([1], I32)],
                    match="take BOOL input only", litert_rejects=True)
