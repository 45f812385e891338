"""SQRT (inputs kept >= 0; negative ones are NaN in the special-value case) against LiteRT: shapes
from scalars to rank 8 and empty tensors, the whole useful input range, special values (NaN, inf,
signed zeros, subnormals), int8/int16 bit-exact on every valid stored value, and the models
jitlite must refuse."""

import numpy as np
import pytest

from op_testing import (ALL_INT16, F32, I32, SPECIAL_VALUES, TFLITE_KERNELS, UNARY_SHAPES,
                        assert_rejected, check_every_value, check_op, check_values, shape_id)

RANGE = (0.0, 100.0)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("SQRT", [(shape, F32)], input_range=RANGE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_sized_tensor(seed):
    check_op("SQRT", [((3, 17, 5), F32)], input_range=RANGE, seed=seed)


def test_special_values():
    # LiteRT's default XNNPACK path flushes subnormals to zero (and differs on NaN for some ops);
    # jitlite follows TFLite's own kernels, hence that reference.
    check_values("SQRT", [SPECIAL_VALUES], reference=TFLITE_KERNELS)


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("SQRT", [((3,), I32)],
                    match="INT32, which TFLite's SQRT does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("SQRT", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


# --- int8 / int16: TFLite's float path (truncated), on every valid stored value ----------------
# (inputs at or above the zero point: TFLite refuses the others at invoke)

@pytest.mark.parametrize("in_q, out_q", [((0.05, -128), (0.05, -128)), ((0.05, -100), (0.02, 0)),
                                         ((0.3, -128), (0.001, -128)), ((0.01, -128), (1.0, 100))])
def test_int8_every_value(in_q, out_q):
    check_every_value("SQRT", np.int8, in_q, out_q, values=np.arange(in_q[1], 128).astype(np.int8))


@pytest.mark.parametrize("in_scale, out_scale", [(0.001, 0.001), (0.0005, 0.01), (1 / 4096, 1e-5),
                                                 (3e-5, 3e-3)])
def test_int16_every_value(in_scale, out_scale):
    check_every_value("SQRT", np.int16, (in_scale, 0), (out_scale, 0), values=ALL_INT16[32768:])


def test_int16_needs_zero_points_0():
    assert_rejected("SQRT", [((3,), np.int16, dict(scale=0.001, zero_point=5))],
                    match="INT16 SQRT needs zero points 0", litert_rejects=True)
