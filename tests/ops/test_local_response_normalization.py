"""LOCAL_RESPONSE_NORMALIZATION against LiteRT: radius (0, inside and wider than the channel
axis), bias, alpha and beta (including TFLite's beta 1 and 0.5 shortcuts and beta 0), odd
shapes and batches; the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, assert_rejected, check_op, shape_id

OP = "LOCAL_RESPONSE_NORMALIZATION"


def lrn(radius=2, bias=1.0, alpha=1.0, beta=0.5):
    return dict(radius=radius, bias=bias, alpha=alpha, beta=beta)


@pytest.mark.parametrize("radius", [0, 1, 2, 5, 20])
@pytest.mark.parametrize("beta", [0.75, 1.0, 0.5, 0.0, 2.0])
def test_radius_and_beta(radius, beta):
    check_op(OP, [((1, 3, 4, 11), F32)], options=lrn(radius, 1.0, 0.5, beta))


@pytest.mark.parametrize("bias, alpha", [(1.0, 1e-4), (2.0, 1.0), (0.5, 3.0), (1e-3, 1e-3)])
def test_bias_and_alpha(bias, alpha):
    check_op(OP, [((2, 2, 3, 16), F32)], options=lrn(3, bias, alpha, 0.75))


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 1, 1, 7), (3, 5, 1, 2), (2, 7, 9, 64),
                                   (1, 2, 2, 300), (0, 2, 2, 3)], ids=shape_id)
def test_shapes(shape):
    check_op(OP, [(shape, F32)], options=lrn(2, 1.0, 0.2, 0.75))


def test_wide_input_range():
    check_op(OP, [((1, 4, 4, 9), F32)], options=lrn(2, 1.0, 0.01, 0.6), input_range=(-50, 50))


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4, 3), (1, 2, 3, 4, 5)], ids=shape_id)
def test_rejects_rank_other_than_4(shape):
    assert_rejected(OP, [(shape, F32)], options=lrn(), match=f"rank {len(shape)}.*expected 4",
                    litert_rejects=True)


def test_rejects_negative_radius():
    assert_rejected(OP, [((1, 2, 2, 3), F32)], options=lrn(radius=-1),
                    match="radius is -1; it must be >= 0")


def test_rejects_int32():
    assert_rejected(OP, [((1, 2, 2, 3), I32)], options=lrn(),
                    match=f"type INT32, which TFLite's {OP} does not accept", litert_rejects=True)


def test_rejects_int8():
    # TFLite has no quantized LRN either.
    assert_rejected(OP, [((1, 2, 2, 3), np.int8, dict(scale=0.1))], options=lrn(),
                    match=f"type INT8, which TFLite's {OP} does not accept", litert_rejects=True)
