"""ATAN2 against LiteRT: atan2(y, x) over scalars to rank 8 and empty tensors, all four quadrants
and the axes, signed zeros, infinities and NaN, large and tiny ratios, the models jitlite must
refuse (TFLite's ATAN2 does not broadcast: it needs equal shapes), and the simple_atan2_op model.
Inline polynomial atan: within check_op's float tolerance (a few float ulp of pi)."""

import pathlib

import numpy as np
import pytest

from jitlite.testing import assert_outputs_match, random_inputs, run_both
from op_testing import F32, I32, UNARY_SHAPES, assert_rejected, check_op, check_values, shape_id

MODELS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "models"


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("ATAN2", [(shape, F32), (shape, F32)])


@pytest.mark.parametrize("scale", [(1e-30, 1.0), (1.0, 1e-30), (1e20, 1.0), (1.0, 1e20)],
                         ids=["tiny_y", "tiny_x", "huge_y", "huge_x"])
def test_ratios(scale):
    values = [np.random.default_rng(2).uniform(-1, 1, 200).astype(F32) * np.float32(s)
              for s in scale]
    check_values("ATAN2", values)


def test_every_angle():
    # A full turn, including the octant boundaries (tan(pi/8) reduction and the diagonals).
    angle = np.linspace(-np.pi, np.pi, 721)
    radius = np.linspace(0.1, 10.0, 721)
    check_values("ATAN2", [(radius * np.sin(angle)).astype(F32),
                           (radius * np.cos(angle)).astype(F32)])


SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 1e-40, -1e-40, 3e38, -3e38]


def test_special_values():
    # Every pair: signed zeros pick 0 or +-pi, infinities multiples of pi/4, NaN propagates.
    y, x = np.meshgrid(np.array(SPECIAL, F32), np.array(SPECIAL, F32))
    check_values("ATAN2", [y.ravel(), x.ravel()])


def test_constant_x():
    check_op("ATAN2", [((2, 3), F32)], constants=[np.array([[1, -1, 0], [-2, 2, 0.5]], F32)])


# --- must-fail ---------------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [((2, 3), (3,)), ((2, 3), (2, 1)), ((), (3,))], ids=shape_id)
def test_rejects_broadcasting(shapes):
    # TFLite rejects different ranks, and with equal ranks reads x out of bounds.
    assert_rejected("ATAN2", [(shapes[0], F32), (shapes[1], F32)],
                    match="does not broadcast")


def test_rejects_int32():
    assert_rejected("ATAN2", [((3,), I32), ((3,), I32)],
                    match="INT32, which TFLite's ATAN2 does not accept", litert_rejects=True)


def test_rejects_mixed_dtypes():
    assert_rejected("ATAN2", [((3,), F32), ((3,), I32)], match="input types differ",
                    litert_rejects=True)



# --- real model --------------------------------------------------------------------------------

def test_simple_atan2_model():
    path = MODELS / "ops" / "simple_atan2_op.tflite"
    if not path.is_file():
        pytest.skip(f"model corpus not available: {path} is missing")
    model = path.read_bytes()
    for seed in range(4):
        actual, expected = run_both(model, random_inputs(model, seed=seed))
        assert_outputs_match(actual, expected)
