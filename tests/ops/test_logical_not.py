"""LOGICAL_NOT against LiteRT: BOOL negation over scalars to rank 8 and empty tensors, and the
models jitlite must refuse (TFLite accepts only BOOL)."""

import numpy as np
import pytest

from op_testing import F32, I32, UNARY_SHAPES, assert_rejected, check_op, shape_id

B = np.bool_


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("LOGICAL_NOT", [(shape, B)])


@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
def test_rejects_non_bool(dtype):
    assert_rejected("LOGICAL_NOT", [((3,), dtype)],
                    match="which TFLite's LOGICAL_NOT does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("LOGICAL_NOT", [((3,), B), ((3,), B)], match="expected 1 inputs, got 2")
