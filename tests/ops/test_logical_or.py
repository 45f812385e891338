"""LOGICAL_OR against LiteRT: BOOL or over broadcasting (scalars to rank 8) and empty tensors, a
constant operand, and the models jitlite must refuse (TFLite accepts only BOOL)."""

import pathlib

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, random_inputs, run_both
from op_testing import BINARY_SHAPES, F32, I32, assert_rejected, check_op, shape_id

B = np.bool_
MODELS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "models"


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=shape_id)
def test_broadcast(shapes):
    check_op("LOGICAL_OR", [(shapes[0], B), (shapes[1], B)])


def test_constant_operand():
    check_op("LOGICAL_OR", [((2, 3, 4), B)], constants=[np.array([True, False, True, False])])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [F32, I32], ids=lambda d: np.dtype(d).name)
def test_rejects_non_bool(dtype):
    assert_rejected("LOGICAL_OR", [((3,), dtype), ((3,), dtype)],
                    match="which TFLite's LOGICAL_OR does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("LOGICAL_OR", [((3,), B), ((3,), I32)], match="input types differ",
                    litert_rejects=True)


def test_rejects_incompatible_broadcast():
    assert_rejected("LOGICAL_OR", [((2, 3), B), ((3, 2), B)], match="cannot be broadcast",
                    litert_rejects=True)


def test_rejects_rank_above_8():
    assert_rejected("LOGICAL_OR", [((1,) * 9, B), ((2,), B)], match="exceeds 8")


# --- real model --------------------------------------------------------------------------------

def test_simple_logical_or_model():
    path = MODELS / "ops" / "simple_logical_or_op.tflite"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    actual, expected = run_both(model, random_inputs(model, seed=1))
    assert_outputs_match(actual, expected)
