"""LOGICAL_AND against LiteRT: BOOL and over broadcasting (scalars to rank 8) and empty tensors, a
constant operand, and the models jitlite must refuse (TFLite accepts only BOOL)."""

import numpy as np
import pytest

from op_testing import BINARY_SHAPES, F32, I32, assert_rejected, check_op, shape_id

B = np.bool_


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes):
    check_op("LOGICAL_AND", [(shapes[0], B), (shapes[1], B)])


def test_constant_operand():
    check_op("LOGICAL_AND", [((2, 3, 4), B)], constants=[np.array([True, False, True, False])])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
def test_rejects_non_bool(dtype):
    assert_rejected("LOGICAL_AND", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's LOGICAL_AND does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("LOGICAL_AND", [((3,), B), ((3,), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("LOGICAL_AND", [((2, 3), B), ((3, 2), B)], match="cannot be broadcast",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("LOGICAL_AND", [((1,) * 9, B), ((2,), B)], match="exceeds 8")
