"""ROUND (halves to even, like tf.round) against LiteRT: float32 over shapes from scalars to rank
8 and empty tensors, every half in [-8, 8] and its neighbours, special values (NaN, inf, signed
zeros, subnormals), the converter-made model simple_round_op.tflite, fusion in a unary chain,
and the models jitlite must refuse."""

import numpy as np
import pytest

from op_testing import F32, I32, SPECIAL_VALUES, UNARY_SHAPES, assert_rejected, check_op, shape_id
from unary_cases import assert_one_kernel, check_real_model, check_special

RANGE = (-10.0, 10.0)
HALVES = np.arange(-8.0, 8.5, 0.5, dtype=F32)


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("ROUND", [(shape, F32)], input_range=RANGE)


def test_halves_round_to_even():
    neighbours = np.concatenate([np.nextafter(HALVES, -np.inf), np.nextafter(HALVES, np.inf)])
    check_special("ROUND", np.concatenate([HALVES, neighbours]))


def test_signs_of_zeros():
    # TFLite's kernel rounds from floor(x): x in [-0.5, 0) gives +0 but -0 stays -0 (XNNPACK
    # gives -0 for all of them); check_special compares the signs against TFLite's kernel.
    check_special("ROUND", np.array([-0.5, -0.49, -0.1, -1e-40, -0.0, 0.0, 0.3, 0.5], F32))


def test_special_values():
    check_special("ROUND", SPECIAL_VALUES)


def test_large_values_are_already_integers():
    check_special("ROUND", np.array([2.0**23 - 0.5, 2.0**23 + 1, -2.0**23 - 1, 2.0**31, 3e38],
                                    F32))


def test_real_model():
    check_real_model("simple_round_op.tflite")


def test_chain_is_one_kernel():
    assert_one_kernel(["ROUND", "NEG", "ROUND"], input_range=(-5.0, 5.0))


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_int32():
    assert_rejected("ROUND", [((3,), I32)],
                    match="INT32, which TFLite's ROUND does not accept", litert_rejects=True)


def test_rejects_two_inputs():
    assert_rejected("ROUND", [((3,), F32), ((3,), F32)], match="expected 1 inputs, got 2")


def test_float16_is_not_supported_yet():
    assert_rejected("ROUND", [((3,), np.float16)], match="ROUND on FLOAT16 is not supported")
