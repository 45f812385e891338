"""FAKE_QUANT against LiteRT's reference kernel, bit for bit: ranges that need nudging (zero not
on the grid), ranges containing zero at either end, ranges entirely above or below zero, 2 to 16
bits, inputs beyond the range, values halfway between grid points, special values (NaN, inf, -0),
shapes up to rank 8 and empty, fusion with a following op, and the models jitlite must refuse."""

import numpy as np
import pytest

from jitlite.testing import ModelBuilder, build_op_model, run_both
from op_testing import (F32, I32, REFERENCE_KERNELS, SPECIAL_VALUES, UNARY_SHAPES,
                        assert_rejected, check_op, shape_id)

RANGES = [
    dict(min=-1.0, max=1.0, num_bits=8),
    dict(min=-6.0, max=6.0, num_bits=8),
    dict(min=0.0, max=6.0, num_bits=8),
    dict(min=-6.0, max=0.0, num_bits=8),
    dict(min=-3.7, max=2.1, num_bits=4),
    dict(min=-0.3, max=7.9, num_bits=16),
    dict(min=-0.1, max=0.2, num_bits=2),
    dict(min=0.5, max=2.0, num_bits=8),    # zero below the range: nudged to the grid's start
    dict(min=-10.0, max=-1.0, num_bits=8),  # zero above the range
]


def range_id(options):
    return f"{options['min']}_{options['max']}_{options['num_bits']}bit"


def run_exact(values, options):
    model = build_op_model("FAKE_QUANT", [(values.shape, F32)], options=options,
                           output_shapes=[list(values.shape)])
    actual, expected = run_both(model, [values], reference=REFERENCE_KERNELS)
    np.testing.assert_array_equal(actual[0], expected[0])  # bit for bit (NaNs compare equal)
    return actual[0]


@pytest.mark.parametrize("options", RANGES, ids=range_id)
def test_ranges(options):
    values = np.random.default_rng(0).uniform(-12.0, 12.0, 4000).astype(F32)
    out = run_exact(values, options)
    assert len(np.unique(out)) <= 2 ** options["num_bits"]


@pytest.mark.parametrize("options", RANGES, ids=range_id)
def test_halfway_points_and_grid_points(options):
    # Every grid point and the midpoints between them (ties round away from zero), a few of
    # them with one-ulp nudges either way.
    n = min(2 ** options["num_bits"], 1024)
    grid = np.linspace(options["min"], options["max"], n, dtype=np.float64)
    mids = (grid[:-1] + grid[1:]) / 2
    values = np.concatenate([grid, mids]).astype(F32)
    values = np.concatenate([values, np.nextafter(values, np.inf), np.nextafter(values, -np.inf)])
    run_exact(values.astype(F32), options)


def test_special_values():
    run_exact(SPECIAL_VALUES, RANGES[0])


@pytest.mark.parametrize("shape", UNARY_SHAPES, ids=shape_id)
def test_shapes(shape):
    check_op("FAKE_QUANT", [(shape, F32)], options=RANGES[4], input_range=(-5.0, 5.0),
             reference=REFERENCE_KERNELS)


def test_fuses_with_following_op():
    mb = ModelBuilder()
    x = mb.add_input("x", F32, [4, 33])
    t = mb.add_tensor("t", F32, [4, 33])
    y = mb.add_tensor("y", F32, [4, 33])
    mb.add_op("FAKE_QUANT", [x], [t], RANGES[1])
    mb.add_op("RELU", [t], [y])
    mb.mark_output(y)
    values = [np.random.default_rng(2).uniform(-8, 8, (4, 33)).astype(F32)]
    actual, expected = run_both(mb.build(), values, reference=REFERENCE_KERNELS)
    np.testing.assert_array_equal(actual[0], expected[0])


# --- must-fail ---------------------------------------------------------------------------------

def test_rejects_narrow_range():
    assert_rejected("FAKE_QUANT", [((4,), F32)], options=dict(RANGES[0], narrow_range=True),
                    match="narrow_range", litert_rejects=True)


@pytest.mark.parametrize("num_bits", [0, 1, 17], ids=str)
def test_rejects_num_bits_out_of_range(num_bits):
    assert_rejected("FAKE_QUANT", [((4,), F32)], options=dict(RANGES[0], num_bits=num_bits),
                    match=r"num_bits .* outside \[2, 16\]")


@pytest.mark.parametrize("bounds", [(1.0, 1.0), (2.0, -2.0)], ids=["empty", "inverted"])
def test_rejects_empty_range(bounds):
    assert_rejected("FAKE_QUANT", [((4,), F32)],
                    options=dict(min=bounds[0], max=bounds[1], num_bits=8),
                    match="must be below max")


def test_rejects_integer_input():
    assert_rejected("FAKE_QUANT", [((4,), I32)], options=RANGES[0],
                    match="which TFLite's FAKE_QUANT does not accept")
